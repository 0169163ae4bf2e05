/**
 * The testing Worker (wrangler.testing.toml): the production API Worker plus
 * the benchmark's and the fault tests' routes, with object classes that carry
 * the test hooks. Never deployed: `src/index.ts` is the production entry, and
 * its bundle holds none of this (test/tooling/production-bundle.test.ts).
 *
 * Everything src/index.ts exports is exported here too (`export *`), so an
 * object class added there is bound here without a change; the three classes
 * with hooks are replaced under their production names, which keeps the
 * bindings, the migrations and the exporter's `script_name` binding identical.
 */
import production, { createApp } from "../../src/index";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../src/env";
import { registerBenchQuotaRoutes } from "./routes/bench-quota";
import { registerBenchSeedRoutes } from "./routes/bench-seed";
import { registerFaultRoutes } from "./routes/faults";

export * from "../../src/index";
export { TestingMetricsShard as MetricsShard, TestingQuotaCounter as QuotaCounter, TestingWallet as Wallet } from "./objects";

/** The routes only the testing Worker has: benchmark floors and seeding, fault injection. */
export function registerTestingRoutes(app: OpenAPIHono<AppEnv>): void {
  registerBenchQuotaRoutes(app);
  registerBenchSeedRoutes(app);
  registerFaultRoutes(app);
}

/** The app the testing Worker serves: the production app and the testing routes. */
export function createTestingApp() {
  return createApp({ registerRoutes: registerTestingRoutes });
}

const app = createTestingApp();

/**
 * A fence against deploying this config by mistake: the config's ENVIRONMENT is
 * wrangler.toml's "production", and only test and dev stacks override it.
 */
function refusingProduction(fetch: typeof app.fetch): typeof app.fetch {
  return (request, env, ctx) => {
    const environment = (env as Env | undefined)?.ENVIRONMENT;
    if (environment === undefined || environment === "production") {
      return new Response("the testing Worker does not serve ENVIRONMENT=production", { status: 503 });
    }
    return fetch(request, env, ctx);
  };
}

export default {
  ...production,
  fetch: refusingProduction(app.fetch),
} satisfies ExportedHandler<Env>;
