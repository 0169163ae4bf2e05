/** The testing Worker's app as a bench stack runs it, for tests inside workerd. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createTestingApp } from "./index";

/** The testing Worker's app with the bench stack's flags: the seeding routes on, sandbox recharges to fund a wallet. */
export function benchApp() {
  const app = createTestingApp();
  const benchEnv = { ...env, ENABLE_BENCH_ROUTES: "true", WALLET_RECHARGE_SANDBOX: "true" } as Env;
  return (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
    app.fetch(
      new Request(`https://api.test${path}`, {
        method: init.method ?? (init.json === undefined ? "GET" : "POST"),
        headers: { ...init.headers, ...(init.json === undefined ? {} : { "content-type": "application/json" }) },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
      benchEnv,
      createExecutionContext(),
    );
}

