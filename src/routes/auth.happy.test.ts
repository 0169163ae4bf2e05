import { describe, expect, it } from "vitest";
import { api, envelope, login, randomIp, registerUser, uniqueUsername, type TokenPairData } from "../../test/workerd/api";

describe("auth (happy)", () => {
  it("register → login → profile → logout → profile is 401 code 2016", async () => {
    const { username, password, pair } = await registerUser();
    expect(pair.user).toMatchObject({ username, roles: ["reader"], status: "active" });
    expect(pair.user.id).toBe(pair.user.user_id);
    expect(pair.user_id).toBe(pair.user.id);
    expect(pair.expires_in).toBe(900);

    const session = await login(username, password);
    const profile = await envelope<{ username: string; email: string; lastLoginAt: string | null }>(await api("/api/v1/user/profile", { token: session.token }), 200);
    expect(profile.data.username).toBe(username);
    expect(profile.data.lastLoginAt).not.toBeNull();
    expect(JSON.stringify(profile.data)).not.toMatch(/password|hash/i);

    expect((await envelope(await api("/api/v1/shared/auth/logout", { method: "POST", token: session.token }), 200)).data).toEqual({ loggedOut: true });
    const after = await envelope(await api("/api/v1/user/profile", { token: session.token }), 401);
    expect(after.code).toBe(2016);
    // The other session (from register) is untouched.
    expect((await api("/api/v1/user/profile", { token: pair.token })).status).toBe(200);
  });

  it("the /user/auth aliases work the same", async () => {
    const username = uniqueUsername("alias");
    const ip = randomIp();
    const registered = await envelope<TokenPairData>(
      await api("/api/v1/user/auth/register", { json: { username, email: `${username}@example.com`, password: "reading2024" }, headers: { "CF-Connecting-IP": ip } }),
      201,
    );
    const loggedIn = await envelope<TokenPairData>(await api("/api/v1/user/auth/login", { json: { username: `${username}@example.com`, password: "reading2024" }, headers: { "CF-Connecting-IP": ip } }), 200);
    expect(loggedIn.data.user.id).toBe(registered.data.user.id);
    const refreshed = await envelope<TokenPairData>(await api("/api/v1/user/auth/refresh", { json: { token: loggedIn.data.refreshToken } }), 200);
    expect(refreshed.data.refreshToken).not.toBe(loggedIn.data.refreshToken);
    expect((await api("/api/v1/user/auth/logout", { method: "POST", token: refreshed.data.token })).status).toBe(200);
  });

  it("role in the register body is ignored; extra client fields are accepted", async () => {
    const username = uniqueUsername("sneaky");
    const response = await api("/api/v1/shared/auth/register", {
      json: { username, email: `${username}@example.com`, password: "reading2024", confirmPassword: "reading2024", agreement: true, phone: "13800000000", emailCode: "123456", role: "admin", roles: ["admin"] },
      headers: { "CF-Connecting-IP": randomIp() },
    });
    const body = await envelope<TokenPairData>(response, 201);
    expect(body.data.roles).toEqual(["reader"]);
    const roles = await envelope<string[]>(await api("/api/v1/shared/auth/roles", { token: body.data.token }), 200);
    expect(roles.data).toEqual(["reader"]);
    const permissions = await envelope<string[]>(await api("/api/v1/shared/auth/permissions", { token: body.data.token }), 200);
    expect(permissions.data).toContain("book:read");
    expect(permissions.data.some((permission) => permission.startsWith("admin:"))).toBe(false);
  });

  it("refresh rotates: {refresh_token}, {refreshToken} and {token} all work, each token once", async () => {
    const { pair } = await registerUser();
    const first = await envelope<TokenPairData>(await api("/api/v1/shared/auth/refresh", { json: { refresh_token: pair.refreshToken } }), 200);
    const second = await envelope<TokenPairData>(await api("/api/v1/shared/auth/refresh", { json: { refreshToken: first.data.refreshToken } }), 200);
    const third = await envelope<TokenPairData>(await api("/api/v1/shared/auth/refresh", { json: { token: second.data.refreshToken } }), 200);
    const tokens = new Set([pair.refreshToken, first.data.refreshToken, second.data.refreshToken, third.data.refreshToken]);
    expect(tokens.size).toBe(4);
    expect((await api("/api/v1/user/profile", { token: third.data.token })).status).toBe(200);
  });

  it("two tabs refreshing with the same token inside the grace window both succeed", async () => {
    const { pair } = await registerUser();
    const [a, b] = await Promise.all([
      api("/api/v1/shared/auth/refresh", { json: { token: pair.refreshToken } }),
      api("/api/v1/shared/auth/refresh", { json: { token: pair.refreshToken } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  it("sessions: listed with device, masked IP and the current flag; one can be revoked; logout-all ends all", async () => {
    const { username, password, pair } = await registerUser({ ip: "203.0.113.77" });
    const phone = await login(username, password, "198.51.100.23", "QingyuApp/3.2 (Linux; Android 14)");
    const list = await envelope<Array<{ id: string; device: string; ip: string; current: boolean; createdAt: string }>>(await api("/api/v1/shared/auth/sessions", { token: phone.token }), 200);
    expect(list.data).toHaveLength(2);
    const current = list.data.find((session) => session.current);
    expect(current).toMatchObject({ device: "Qingyu App on Android", ip: "198.51.100.*" });
    const other = list.data.find((session) => !session.current);
    expect(other).toMatchObject({ device: "Chrome on macOS", ip: "203.0.113.*" });

    expect((await api(`/api/v1/shared/auth/sessions/${other?.id}`, { method: "DELETE", token: phone.token })).status).toBe(200);
    expect((await envelope(await api("/api/v1/user/profile", { token: pair.token }), 401)).code).toBe(2016);
    expect((await api("/api/v1/shared/auth/refresh", { json: { token: pair.refreshToken } })).status).toBe(401);

    const all = await envelope<{ revokedSessions: number }>(await api("/api/v1/shared/auth/logout-all", { method: "POST", token: phone.token }), 200);
    expect(all.data.revokedSessions).toBe(1);
    expect((await envelope(await api("/api/v1/user/profile", { token: phone.token }), 401)).code).toBe(2016);
  });

  it("profile update is partial and validated; password change revokes every other session", async () => {
    const { username, password, pair } = await registerUser();
    const updated = await envelope<{ nickname: string; bio: string | null }>(await api("/api/v1/user/profile", { method: "PUT", json: { nickname: "Lin", bio: "reads at night" }, token: pair.token }), 200);
    expect(updated.data).toMatchObject({ nickname: "Lin", bio: "reads at night" });
    const other = await login(username, password);
    const changed = await envelope<{ revokedSessions: number }>(await api("/api/v1/user/password", { method: "PUT", json: { oldPassword: password, newPassword: "newpass2025" }, token: pair.token }), 200);
    expect(changed.data.revokedSessions).toBe(1);
    expect((await envelope(await api("/api/v1/user/profile", { token: other.token }), 401)).code).toBe(2016);
    expect((await api("/api/v1/user/profile", { token: pair.token })).status).toBe(200);
    await login(username, "newpass2025");
  });
});
