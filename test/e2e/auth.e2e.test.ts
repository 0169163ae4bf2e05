import { Redis } from "@upstash/redis";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { REVOKE_SESSIONS } from "../../src/auth/session-scripts.ts";
import { call, type Envelope } from "../support/http.ts";
import { login, registerUser } from "../support/users.ts";

const profile = (token: string) => call("/api/v1/user/profile", { headers: { Authorization: `Bearer ${token}` } });

/** The claims of a JWT, read without verifying (the test only needs sid and user id). */
function claimsOf(token: string): { sid: string; user_id: string; jti: string; exp: number } {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sid: string; user_id: string; jti: string; exp: number };
}

describe("revocation on the real stack", () => {
  it("logout: the token is refused on the very next request (same isolate)", async () => {
    const { pair } = await registerUser();
    expect((await profile(pair.token)).status).toBe(200);
    expect((await call("/api/v1/shared/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${pair.token}` } })).status).toBe(200);
    const after = (await (await profile(pair.token)).json()) as Envelope;
    expect(after.code).toBe(2016);
  });

  it("a revocation written by another isolate (straight into Redis) is enforced within 1 s", async () => {
    const { pair } = await registerUser();
    // Warm this isolate's revocation copy so the measurement starts from a synced state.
    expect((await profile(pair.token)).status).toBe(200);
    const claims = claimsOf(pair.token);
    const redis = new Redis({ url: inject("bridgeUrl"), token: inject("redisToken") });
    const now = Date.now();
    await redis.eval(REVOKE_SESSIONS, [], [claims.user_id, "own", claims.sid, String(now + 900_000), String(now), "", "0"]);
    const revokedAt = performance.now();
    let elapsed = -1;
    while (performance.now() - revokedAt < 3000) {
      if ((await profile(pair.token)).status === 401) {
        elapsed = performance.now() - revokedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    console.log(`revocation enforced after ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe("first admin without the public API", () => {
  it("npm run user:promote gives an existing account the admin role; it shows from the next login", async () => {
    const { username, password } = await registerUser();
    const result = spawnSync(process.execPath, ["scripts/user-promote.ts", username], { encoding: "utf8", env: { ...process.env, QINGYU_STATE_DIR: inject("stateDir") } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("admin");
    const pair = await login(username, password);
    expect(pair.roles).toEqual(["reader", "admin"]);
    const missing = spawnSync(process.execPath, ["scripts/user-promote.ts", "nobody_here_123"], { encoding: "utf8", env: { ...process.env, QINGYU_STATE_DIR: inject("stateDir") } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no account named");
    const injection = spawnSync(process.execPath, ["scripts/user-promote.ts", "x' OR '1'='1"], { encoding: "utf8" });
    expect(injection.status).toBe(1);
    expect(injection.stderr).toContain("not a valid username");
  });
});
