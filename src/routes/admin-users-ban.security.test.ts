import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../index";
import { createSessionStore, hashRefreshToken, newRefreshToken } from "../auth/session-store";
import { getRedis } from "../services/redis";
import { api, envelope, forgeToken, login, registerAdmin, registerUser } from "../../test/workerd/api";

/** The real app as another isolate would run it: its own revocation copy (a unique Redis URL on the same Redis). */
function otherIsolate(vars: Record<string, string> = {}) {
  const app = createApp();
  const isolateEnv = { ...env, UPSTASH_REDIS_REST_URL: `${env.UPSTASH_REDIS_REST_URL}/?isolate=${crypto.randomUUID()}`, ...vars } as Env;
  return (path: string, token: string, method = "GET") =>
    app.fetch(new Request(`https://api.test${path}`, { method, headers: { Authorization: `Bearer ${token}` } }), isolateEnv, createExecutionContext());
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("admin ban and password reset (security)", () => {
  it("a banned user's token fails with 2016 in another isolate within the revocation bound (1 s)", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    const elsewhere = otherIsolate();
    expect((await elsewhere("/api/v1/user/profile", pair.token)).status).toBe(200);

    const bannedAt = Date.now();
    await envelope(
      await api(`/api/v1/admin/users/${pair.user_id}/status`, { method: "PUT", token: admin.pair.token, json: { status: "banned", reason: "fraud" } }),
      200,
    );
    let code = 0;
    while (Date.now() - bannedAt < 3_000) {
      const response = await elsewhere("/api/v1/user/profile", pair.token);
      if (response.status === 401) {
        code = (await response.json<{ code: number }>()).code;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = Date.now() - bannedAt;
    expect(code).toBe(2016);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("a session a racing login creates just after the ban is ended by the second sweep; an unban in between keeps new sessions", async () => {
    const admin = await registerAdmin();
    const banned = await registerUser();
    const unbanned = await registerUser();
    const ban = (userId: string) =>
      api(`/api/v1/admin/users/${userId}/status`, { method: "PUT", token: admin.pair.token, json: { status: "banned", reason: "race" } });
    await envelope(await ban(banned.pair.user_id), 200);
    await envelope(await ban(unbanned.pair.user_id), 200);

    // The racing login: its session is created after the first sweep (as a login that read the account before the ban would).
    const sid = crypto.randomUUID();
    const now = Date.now();
    await createSessionStore(getRedis(env)).create({
      sid,
      userId: banned.pair.user_id,
      refreshHash: await hashRefreshToken(newRefreshToken(sid)),
      device: "racing login",
      ip: "10.0.0.x",
      maxSessions: 5,
      now,
      refreshTtlMs: 3_600_000,
      accessTtlMs: 900_000,
    });
    const racingToken = await forgeToken({ sub: banned.pair.user_id, user_id: banned.pair.user_id, sid });
    expect((await api("/api/v1/user/profile", { token: racingToken })).status).toBe(200);

    await envelope(
      await api(`/api/v1/admin/users/${unbanned.pair.user_id}/status`, { method: "PUT", token: admin.pair.token, json: { status: "active" } }),
      200,
    );
    const fresh = await login(unbanned.username, unbanned.password);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await envelope(await api("/api/v1/user/profile", { token: racingToken }), 401)).code).toBe(2016);
    expect((await api("/api/v1/user/profile", { token: fresh.token })).status).toBe(200);
  });

  /** A login that read the account before the change creates its session after the first sweep; returns a token of it with `roles`. */
  async function racingSession(userId: string, roles: string[]) {
    const sid = crypto.randomUUID();
    await createSessionStore(getRedis(env)).create({
      sid,
      userId,
      refreshHash: await hashRefreshToken(newRefreshToken(sid)),
      device: "racing login",
      ip: "10.0.0.x",
      maxSessions: 5,
      now: Date.now(),
      refreshTtlMs: 3_600_000,
      accessTtlMs: 900_000,
    });
    const token = await forgeToken({ sub: userId, user_id: userId, sid, roles });
    expect((await api("/api/v1/user/profile", { token })).status).toBe(200);
    return token;
  }

  it("removing the admin role: a session a racing login creates with roles [admin] is ended by the second sweep", async () => {
    const admin = await registerAdmin();
    const demoted = await registerAdmin();
    await envelope(await api(`/api/v1/admin/users/${demoted.pair.user_id}/role`, { method: "PUT", token: admin.pair.token, json: { roles: ["reader"] } }), 200);
    const racingToken = await racingSession(demoted.pair.user_id, ["reader", "admin"]);
    // Before the second sweep that token is still an admin's: the sweep is what takes it away.
    expect((await api("/api/v1/admin/users", { token: racingToken })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await envelope(await api("/api/v1/admin/users", { token: racingToken }), 401)).code).toBe(2016);
  });

  it("an admin password reset: a session a racing login created from the old password is ended by the second sweep", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    await envelope(await api(`/api/v1/admin/users/${pair.user_id}/reset-password`, { method: "POST", token: admin.pair.token }), 200);
    const racingToken = await racingSession(pair.user_id, ["reader"]);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await envelope(await api("/api/v1/user/profile", { token: racingToken }), 401)).code).toBe(2016);
  });

  it("the temporary password is in the response only: no log line carries it, at debug level", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });
    }
    const debugApp = otherIsolate({ LOG_LEVEL: "debug" });
    const response = await debugApp(`/api/v1/admin/users/${pair.user_id}/reset-password`, admin.pair.token, "POST");
    const text = await response.text();
    vi.restoreAllMocks();
    const { temporaryPassword } = (JSON.parse(text) as { data: { temporaryPassword: string } }).data;
    expect(response.status).toBe(200);
    expect(temporaryPassword).toHaveLength(16);
    // The access log did write its line, so this checks real output rather than silence.
    expect(lines.some((line) => line.includes("/api/v1/admin/users/:id/reset-password"))).toBe(true);
    expect(lines.filter((line) => line.includes(temporaryPassword))).toEqual([]);
  });
});
