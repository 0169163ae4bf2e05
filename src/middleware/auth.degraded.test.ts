import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newApp } from "../app";
import { metrics } from "../metrics";
import { MetricsBuffer } from "../metrics/buffer";
import { ok } from "../lib/envelope";
import { registerUser } from "../../test/workerd/api";
import { withRuntimeConfig } from "../../test/workerd/runtime-config";
import { requireAuth } from "./auth";
import { configMiddleware } from "./config";
import { init } from "./init";

/** A 100 ms sync interval keeps the waits short; the staleness bound is what each test is about. */
const policy = (maxStalenessMs: number) => ({ auth: { revocation: { syncIntervalMs: 100, maxStalenessMs } } });

/**
 * An app with one standard and one strict route, with a revocation cache of its
 * own (a unique Upstash URL). "Redis down" is the same URL with a token the
 * bridge refuses: every Redis call then fails, as in an outage. The policy
 * (sync interval, staleness bound) comes from the runtime config.
 */
function policyApp() {
  const app = newApp();
  app.use(configMiddleware(), metrics(), init());
  app.get("/standard", requireAuth({ policy: "standard" }), (c) => ok(c, { route: "standard" }));
  app.get("/strict", requireAuth({ policy: "strict" }), (c) => ok(c, { route: "strict" }));
  const url = `${env.UPSTASH_REDIS_REST_URL}/?cache=${crypto.randomUUID()}`;
  const upEnv = { ...env, UPSTASH_REDIS_REST_URL: url } as Env;
  const downEnv = { ...upEnv, UPSTASH_REDIS_REST_TOKEN: "a-token-the-bridge-refuses-0000" } as Env;
  const call = (path: string, token: string, redisUp: boolean) =>
    app.fetch(new Request(`https://api.test${path}`, { headers: { Authorization: `Bearer ${token}` } }), redisUp ? upEnv : downEnv, createExecutionContext());
  return { call };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("auth when Redis is unreachable (error)", () => {
  it("strict routes fail closed at once (503 code 5003); standard routes use the last synced copy", async () => {
    const { pair } = await registerUser();
    await withRuntimeConfig(policy(60_000), async () => {
      const { call } = policyApp();
      expect((await call("/standard", pair.token, true)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150)); // past the sync interval
      const inc = vi.spyOn(MetricsBuffer.prototype, "inc");
      const strict = await call("/strict", pair.token, false);
      expect(strict.status).toBe(503);
      expect((await strict.json<{ code: number }>()).code).toBe(5003);
      expect((await call("/standard", pair.token, false)).status).toBe(200);
      // Each degraded decision is counted once (by class and decision), besides the series created at 0.
      const decisions = inc.mock.calls.filter(([name, , by]) => name === "qingyu_auth_degraded_decisions_total" && by !== 0).map(([, labels]) => labels);
      expect(decisions).toEqual([
        { route_class: "default", decision: "denied" },
        { route_class: "default", decision: "allowed_stale" },
      ]);
    });
  });

  it("standard routes fail closed too once the copy is older than auth.revocation.maxStalenessMs", async () => {
    const { pair } = await registerUser();
    await withRuntimeConfig(policy(300), async () => {
      const { call } = policyApp();
      expect((await call("/standard", pair.token, true)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await call("/standard", pair.token, false)).status).toBe(503);
    });
  });

  it("an isolate that never synced fails closed on every route", async () => {
    const { pair } = await registerUser();
    const { call } = policyApp();
    expect((await call("/standard", pair.token, false)).status).toBe(503);
  });
});
