import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../index";
import { registerUser } from "../../test/workerd/api";

type Body = { code: number; data: { nickname: string | null } };

/**
 * The real app with a Redis database of its own (a unique URL, so its
 * revocation copy and cache state are its own). "Redis down" is the same URL
 * with a token the bridge refuses: every Redis call fails, as in an outage.
 */
function appWithRedis() {
  const app = createApp();
  const url = `${env.UPSTASH_REDIS_REST_URL}/?cache=${crypto.randomUUID()}`;
  const upEnv = { ...env, UPSTASH_REDIS_REST_URL: url } as Env;
  const downEnv = { ...upEnv, UPSTASH_REDIS_REST_TOKEN: "a-token-the-bridge-refuses-0000" } as Env;
  const call = async (token: string, redisUp: boolean, init: { method?: string; json?: unknown } = {}) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await app.fetch(
      new Request("https://api.test/api/v1/user/profile", {
        method: init.method ?? "GET",
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
      redisUp ? upEnv : downEnv,
      createExecutionContext(),
    );
    return { status: response.status, body: await response.json<Body>() };
  };
  return { call };
}

describe("profile reads with Redis down (error)", () => {
  it("reads are served from D1 while Redis is down; a write during the outage is not hidden by the old cached copy afterwards", async () => {
    const { pair } = await registerUser();
    const { call } = appWithRedis();
    expect((await call(pair.token, true)).body.data.nickname).toBeNull(); // cached, revocations synced

    await env.DB.prepare("UPDATE users SET nickname = 'straight from D1' WHERE id = ?").bind(pair.user_id).run();
    const down = await call(pair.token, false);
    expect(down.status).toBe(200);
    expect(down.body.data.nickname).toBe("straight from D1");

    const updated = await call(pair.token, false, { method: "PUT", json: { nickname: "written in the outage" } });
    expect(updated.status).toBe(200);
    expect((await call(pair.token, false)).body.data.nickname).toBe("written in the outage");

    // Redis is back (after CACHE_REDIS_RETRY_MS): the queued invalidation drops the copy cached before the outage.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await call(pair.token, true);
    expect(after.status).toBe(200);
    expect(after.body.data.nickname).toBe("written in the outage");
  });
});
