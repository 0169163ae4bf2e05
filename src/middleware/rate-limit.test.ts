import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newApp } from "../app";
import { ok } from "../lib/envelope";
import { configMiddleware } from "./config";
import { init } from "./init";
import { rateLimit } from "./rate-limit";

/** A tiny app with the real middleware chain and a limited route, against the real Redis. */
function limitedApp(limit: number, failOpen?: boolean) {
  const app = newApp();
  app.use(configMiddleware(), init());
  app.use(
    "/limited",
    rateLimit({ name: `test-${crypto.randomUUID()}`, limits: { limit, windowSeconds: 60 }, key: (c) => c.req.header("x-client") ?? "anon", failOpen }),
  );
  app.get("/limited", (c) => ok(c, { fine: true }));
  return app;
}

describe("rate-limit hook", () => {
  it("allows up to the limit, then 429 code 1007 with Retry-After; other subjects unaffected (happy + error)", async () => {
    const app = limitedApp(3);
    const call = (client: string) => app.fetch(new Request("https://api.test/limited", { headers: { "x-client": client } }), env, createExecutionContext());
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call("a")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await call("a");
    const body = await limited.json<{ code: number }>();
    expect(body.code).toBe(1007);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    const other = await call("b");
    expect(other.status).toBe(200);
    expect(other.headers.get("ratelimit-limit")).toBe("3");
    expect(other.headers.get("ratelimit-remaining")).toBe("2");
  });

  it("concurrent hits are counted atomically", async () => {
    const app = limitedApp(10);
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => app.fetch(new Request("https://api.test/limited", { headers: { "x-client": "burst" } }), env, createExecutionContext())),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(10);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(15);
  });

  it("Redis down: fails open by default, or 503 code 5003 when configured to fail closed", async () => {
    const downEnv = { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" } as Env;
    const request = () => new Request("https://api.test/limited");
    expect((await limitedApp(1).fetch(request(), downEnv, createExecutionContext())).status).toBe(200);
    const closed = await limitedApp(1, false).fetch(request(), downEnv, createExecutionContext());
    expect(closed.status).toBe(503);
    expect((await closed.json<{ code: number }>()).code).toBe(5003);
  });
});
