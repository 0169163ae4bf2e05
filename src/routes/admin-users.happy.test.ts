import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AdminUser } from "../admin/user-views";
import { api, envelope, login, randomIp, registerAdmin, registerUser, uniqueUsername, type TokenPairData } from "../../test/workerd/api";

type List = { users: AdminUser[]; total: number; page: number; size: number };
type Pagination = { total: number; page: number; page_size: number; total_pages: number; has_next: boolean; has_previous: boolean };
type Operation = { action: string; adminId: string; target: string; details: Record<string, unknown>; requestId: string };

const admin = await registerAdmin();
const as = (path: string, init: { method?: string; json?: unknown } = {}) => api(path, { ...init, token: admin.pair.token });
const operations = async (userId: string) => (await envelope<Operation[]>(await as(`/api/v1/admin/operation-logs?target=user:${userId}`), 200)).data;

describe("admin user listing and detail (happy)", () => {
  it("lists with keyword, status and role filters, page and size, and the pagination block", async () => {
    const prefix = uniqueUsername("lst").slice(0, 14);
    const made = [];
    for (let index = 0; index < 3; index++) made.push(await registerUser({ username: `${prefix}_${index}` }));
    const body = await envelope<List>(await as(`/api/v1/admin/users?keyword=${prefix}&page=1&size=2`), 200);
    const pagination = (body as unknown as { pagination: Pagination }).pagination;
    expect(body.data).toMatchObject({ total: 3, page: 1, size: 2 });
    expect(body.data.users.map((user) => user.username)).toEqual([`${prefix}_2`, `${prefix}_1`]);
    expect(pagination).toEqual({ total: 3, page: 1, page_size: 2, total_pages: 2, has_next: true, has_previous: false });
    const second = await envelope<List>(await as(`/api/v1/admin/users?keyword=${prefix.toUpperCase()}&page=2&page_size=2`), 200);
    expect(second.data.users.map((user) => user.username)).toEqual([`${prefix}_0`]);
    expect(JSON.stringify(body.data)).not.toMatch(/hash|password/i);

    await envelope(await as(`/api/v1/admin/users/${made[0]?.pair.user_id}/role`, { method: "PUT", json: { roles: ["reader", "writer"] } }), 200);
    const writers = await envelope<List>(await as(`/api/v1/admin/users?keyword=${prefix}&role=writer`), 200);
    expect(writers.data.users.map((user) => user.username)).toEqual([`${prefix}_0`]);
    await envelope(await as(`/api/v1/admin/users/${made[1]?.pair.user_id}/status`, { method: "PUT", json: { status: "banned", reason: "spam" } }), 200);
    expect((await envelope<List>(await as(`/api/v1/admin/users?keyword=${prefix}&status=banned`), 200)).data.total).toBe(1);
    expect((await envelope<List>(await as(`/api/v1/admin/users?keyword=${prefix}&status=active`), 200)).data.total).toBe(2);
  });

  it("detail shows the account without secrets and follows writes at once (cache invalidated)", async () => {
    const { pair } = await registerUser();
    const first = await envelope<AdminUser>(await as(`/api/v1/admin/users/${pair.user_id}`), 200);
    expect(first.data).toMatchObject({ id: pair.user_id, user_id: pair.user_id, status: "active", roles: ["reader"], banReason: null, bannedUntil: null });
    expect(JSON.stringify(first.data)).not.toMatch(/hash|password/i);
    await api("/api/v1/user/profile", { method: "PUT", token: pair.token, json: { nickname: "Tanchun" } });
    expect((await envelope<AdminUser>(await as(`/api/v1/admin/users/${pair.user_id}`), 200)).data.nickname).toBe("Tanchun");
    await as(`/api/v1/admin/users/${pair.user_id}/role`, { method: "PUT", json: { roles: ["reader", "vip_reader"] } });
    expect((await envelope<AdminUser>(await as(`/api/v1/admin/users/${pair.user_id}`), 200)).data.roles).toEqual(["reader", "vip_reader"]);
  });
});

describe("admin ban, unban, roles and password reset (happy)", () => {
  it("a ban ends every session at once (2016), refuses login (1003) and refresh; unban lets the user log in again", async () => {
    const { username, password, pair } = await registerUser();
    const phone = await login(username, password);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const banned = await envelope<{ user: AdminUser; revokedSessions: number }>(
      await as(`/api/v1/admin/users/${pair.user_id}/status`, { method: "PUT", json: { status: "banned", reason: "abusive comments", until } }),
      200,
    );
    expect(banned.data.revokedSessions).toBe(2);
    expect(banned.data.user).toMatchObject({ status: "banned", banReason: "abusive comments", bannedUntil: until });
    for (const token of [pair.token, phone.token]) expect((await envelope(await api("/api/v1/user/profile", { token }), 401)).code).toBe(2016);
    const refused = await api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": randomIp() } });
    expect((await envelope(refused, 403)).code).toBe(1003);
    expect((await api("/api/v1/shared/auth/refresh", { json: { refresh_token: phone.refreshToken } })).status).toBe(401);
    expect((await envelope<AdminUser>(await as(`/api/v1/admin/users/${pair.user_id}`), 200)).data.status).toBe("banned");

    const lifted = await envelope<{ user: AdminUser; revokedSessions: number }>(
      await as(`/api/v1/admin/users/${pair.user_id}/status`, { method: "PUT", json: { status: "active" } }),
      200,
    );
    expect(lifted.data).toMatchObject({ revokedSessions: 0, user: { status: "active", banReason: null, bannedUntil: null } });
    expect((await login(username, password)).token).toBeTruthy();
    expect((await operations(pair.user_id)).map((entry) => entry.action)).toEqual(["user.activate", "user.ban"]);
    expect((await operations(pair.user_id))[1]).toMatchObject({
      adminId: admin.pair.user_id,
      details: { reason: "abusive comments", until, revokedSessions: 2 },
    });
  });

  it("a ban whose end has passed counts as active: login works without an unban", async () => {
    const { username, password, pair } = await registerUser();
    await envelope(
      await as(`/api/v1/admin/users/${pair.user_id}/status`, {
        method: "PUT",
        json: { status: "banned", reason: "cool-off", until: new Date(Date.now() + 60_000).toISOString() },
      }),
      200,
    );
    // The end passes (moved into the past in D1, as time would).
    await env.DB.prepare("UPDATE users SET banned_until = ? WHERE id = ?")
      .bind(Date.now() - 1, pair.user_id)
      .run();
    expect((await login(username, password)).token).toBeTruthy();
    const listed = await envelope<List>(await as(`/api/v1/admin/users?keyword=${username}&status=active`), 200);
    expect(listed.data.users[0]).toMatchObject({ id: pair.user_id, status: "active", banReason: null });
  });

  it("removing a role ends the user's sessions; adding one does not", async () => {
    const { username, password, pair } = await registerUser();
    const added = await envelope<{ user: AdminUser; revokedSessions: number }>(
      await as(`/api/v1/admin/users/${pair.user_id}/role`, { method: "PUT", json: { roles: ["reader", "writer"] } }),
      200,
    );
    expect(added.data.revokedSessions).toBe(0);
    expect((await api("/api/v1/user/profile", { token: pair.token })).status).toBe(200);
    const removed = await envelope<{ user: AdminUser; revokedSessions: number }>(
      await as(`/api/v1/admin/users/${pair.user_id}/role`, { method: "PUT", json: { roles: ["writer"] } }),
      200,
    );
    expect(removed.data).toMatchObject({ revokedSessions: 1, user: { roles: ["writer"] } });
    expect((await envelope(await api("/api/v1/user/profile", { token: pair.token }), 401)).code).toBe(2016);
    expect((await login(username, password)).roles).toEqual(["writer"]);
    expect((await operations(pair.user_id))[0]).toMatchObject({ action: "user.set_roles", details: { before: ["reader", "writer"], after: ["writer"] } });
  });

  it("reset-password: a temporary password that works once given out, the old one fails, every session ends", async () => {
    const { username, password, pair } = await registerUser();
    const response = await as(`/api/v1/admin/users/${pair.user_id}/reset-password`, { method: "POST" });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const reset = await envelope<{ temporaryPassword: string; revokedSessions: number }>(response, 200);
    expect(reset.data.revokedSessions).toBe(1);
    expect(reset.data.temporaryPassword).toMatch(/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z\d]{16}$/);
    expect((await envelope(await api("/api/v1/user/profile", { token: pair.token }), 401)).code).toBe(2016);
    const old = await api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": randomIp() } });
    expect(old.status).toBe(401);
    const temporary = await envelope<TokenPairData>(
      await api("/api/v1/shared/auth/login", { json: { username, password: reset.data.temporaryPassword }, headers: { "CF-Connecting-IP": randomIp() } }),
      200,
    );
    // The temporary password must be replaced first: login says so, and only the change-password route opens.
    expect(temporary.data.mustChangePassword).toBe(true);
    expect(temporary.message).toBe("logged in; password change required");
    for (const [method, path] of [
      ["GET", "/api/v1/user/profile"],
      ["GET", "/api/v1/shared/auth/sessions"],
      ["GET", "/api/v1/finance/wallet/balance"],
    ] as const) {
      expect((await envelope(await api(path, { method, token: temporary.data.token }), 403)).code, path).toBe(2017);
    }
    // A refresh keeps the restriction: it follows the account, not the token.
    const refreshed = await envelope<TokenPairData>(await api("/api/v1/shared/auth/refresh", { json: { token: temporary.data.refreshToken } }), 200);
    expect(refreshed.data.mustChangePassword).toBe(true);
    expect((await envelope(await api("/api/v1/user/profile", { token: refreshed.data.token }), 403)).code).toBe(2017);
    const changed = await envelope<{ revokedSessions: number }>(
      await api("/api/v1/user/password", {
        method: "PUT",
        token: refreshed.data.token,
        json: { old_password: reset.data.temporaryPassword, new_password: "myOwnAgain1" },
      }),
      200,
    );
    // The restricted session ends with the change; the new password gives an ordinary session.
    expect(changed.data.revokedSessions).toBe(1);
    expect(
      (
        await envelope(
          await api("/api/v1/user/password", { method: "PUT", token: refreshed.data.token, json: { old_password: "myOwnAgain1", new_password: "x1y2z3w4v5" } }),
          401,
        )
      ).code,
    ).toBe(2016);
    const session = await login(username, "myOwnAgain1");
    expect(session.mustChangePassword).toBe(false);
    expect((await api("/api/v1/user/profile", { token: session.token })).status).toBe(200);
    const logged = await operations(pair.user_id);
    expect(logged[0]).toMatchObject({ action: "user.reset_password", details: { revokedSessions: 1 } });
    expect(JSON.stringify(logged)).not.toContain(reset.data.temporaryPassword);
  });
});
