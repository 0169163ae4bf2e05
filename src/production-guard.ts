/**
 * Refuses a production deployment that carries a development setting: with
 * `ENVIRONMENT=production`, the config check (500 naming each variable, never
 * its value) also fails on recharge sandbox or bench routes switched on, a
 * Redis REST URL that is plain http or points at loopback, and any secret
 * still equal to its value in `.dev.vars.example`. Development and test
 * stacks (ENVIRONMENT development/test) are not affected.
 */

/**
 * The secrets `.dev.vars.example` ships, as published there. They are public,
 * so a deployment using one has no secret at all. `test/config/dev-example-secrets.test.ts`
 * keeps this list equal to the file.
 */
export const DEV_EXAMPLE_SECRETS: Readonly<Record<string, string>> = {
  UPSTASH_REDIS_REST_TOKEN: "dev-upstash-token-change-me",
  JWT_KEYS: "dev-1:dev-only-jwt-secret-not-for-production-0001",
  AI_SERVICE_TOKEN: "dev-only-ai-service-token-not-for-production-01",
  WALLET_CALLBACK_SECRET: "dev-only-wallet-callback-secret-not-for-production",
  ALERT_WEBHOOK_TOKEN: "dev-alert-webhook-token-change-me",
  FILES_SIGNING_SECRET: "dev-only-files-signing-secret-not-for-production",
  EMAIL_API_KEY: "dev-only-email-api-key",
};

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|\[::ffff:127(\.\d{1,3}){3}\])$/i;

/** The secret parts of a value: JWT_KEYS is `kid:secret` pairs, and a reused dev secret under a new kid is still a dev secret. */
function secretParts(name: string, value: string): string[] {
  if (name !== "JWT_KEYS") return [value];
  return value.split(",").flatMap((entry) => [entry.trim(), entry.trim().slice(entry.indexOf(":") + 1)]);
}

const DEV_SECRET_VALUES = new Set(Object.entries(DEV_EXAMPLE_SECRETS).flatMap(([name, value]) => secretParts(name, value)));

/** Each variable a production deployment must not have as it is, with the rule it breaks (never the value). */
export function productionProblems(env: Record<string, unknown>): Record<string, string> {
  // Unset means production, as the config schema's default does.
  if ((env.ENVIRONMENT ?? "") !== "" && env.ENVIRONMENT !== "production") return {};
  const problems: Record<string, string> = {};
  if (env.WALLET_RECHARGE_SANDBOX === "true") problems.WALLET_RECHARGE_SANDBOX = "must not be true in production";
  if (env.ENABLE_BENCH_ROUTES === "true") problems.ENABLE_BENCH_ROUTES = "must not be true in production";
  const redisUrl = typeof env.UPSTASH_REDIS_REST_URL === "string" ? env.UPSTASH_REDIS_REST_URL : "";
  try {
    const url = new URL(redisUrl);
    if (url.protocol !== "https:") problems.UPSTASH_REDIS_REST_URL = "must be an https URL in production";
    else if (LOOPBACK_HOST.test(url.hostname)) problems.UPSTASH_REDIS_REST_URL = "must not point at loopback in production";
  } catch {
    // An unparsable URL is named by the schema check already.
  }
  for (const name of Object.keys(DEV_EXAMPLE_SECRETS)) {
    const value = env[name];
    if (typeof value === "string" && secretParts(name, value).some((part) => DEV_SECRET_VALUES.has(part)))
      problems[name] = "is a published development value (.dev.vars.example); set a real secret";
  }
  return problems;
}
