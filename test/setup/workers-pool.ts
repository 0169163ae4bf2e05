/**
 * The workerd pool both workers-test configs use: a Worker from a wrangler
 * config with its real Durable Objects and D1, talking to a real redis-server
 * through the Upstash REST bridge the global setup starts. One place for the
 * test bindings, so the production and the testing Worker's tests run with the
 * same settings (vitest.workers.config.ts, vitest.testing-worker.config.ts).
 */
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";

/** Global setup and setup files every workers-test config needs. */
export const WORKERS_TEST_SETUP = {
  globalSetup: ["./test/setup/redis-bridge.global.ts", "./test/setup/mail-catcher.global.ts"],
  setupFiles: ["./test/setup/apply-migrations.ts"],
  testTimeout: 20_000,
};

/** The pool plugin for the Worker `configPath` describes (wrangler.toml or wrangler.testing.toml). */
export function workersPool(configPath: string) {
  return cloudflareTest(async ({ inject }) => ({
    wrangler: { configPath },
    miniflare: {
      bindings: {
        ENVIRONMENT: "test",
        LOG_LEVEL: "warn",
        CORS_ORIGINS: "https://app.qingyu.example",
        UPSTASH_REDIS_REST_URL: inject<string>("upstashUrl"),
        UPSTASH_REDIS_REST_TOKEN: inject<string>("upstashToken"),
        AI_SERVICE_TOKEN: "test-ai-service-token-0123456789abcdef",
        // Recharges complete only through signed callbacks in tests, whatever a developer's .dev.vars says.
        WALLET_RECHARGE_SANDBOX: "false",
        WALLET_CALLBACK_SECRET: "test-wallet-callback-secret-0123456789abcdef",
        // Two keys: tests sign with either to prove rotation works.
        JWT_KEYS: "test-new:test-jwt-secret-new-key-0123456789abcdef,test-old:test-jwt-secret-old-key-0123456789abcdef",
        ALERT_WEBHOOK_TOKEN: "test-alert-webhook-token-0123456789",
        FILES_SIGNING_SECRET: "test-files-signing-secret-0123456789abcdef",
        // Emails go through the real queue to the mail catcher the global setup starts.
        EMAIL_TRANSPORT: "http",
        EMAIL_API_URL: `${inject<string>("mailCatcherUrl")}/send`,
        EMAIL_API_KEY: inject<string>("mailCatcherKey"),
        MAIL_CATCHER_URL: inject<string>("mailCatcherUrl"),
        // The statistics tests wait for wallets' balance reports: 1 s instead of the deployed 10 s keeps them short.
        WALLET_BALANCE_SYNC_DELAY_MS: "1000",
        TEST_MIGRATIONS: await readD1Migrations("./migrations"),
      },
    },
  }));
}
