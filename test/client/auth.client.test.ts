/**
 * The web client's auth, profile and device calls, as it sends and reads them.
 * Unwrapping is http.service.ts's (see qingyu-http.ts).
 */
import { describe, expect, it } from "vitest";
import { clientUsername, registerThroughClient } from "./accounts.ts";
import { asArray, asObject, httpService, send } from "./qingyu-http.ts";

const ip = () => ({ "CF-Connecting-IP": `10.9.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}` });

describe("auth — src/modules/shared/api/auth.ts, src/stores/auth.ts, src/types/auth.ts", () => {
  it("register (RegisterData + emailCode, a Chinese username) → LoginResponse: token, refreshToken, user{id, username, email}, roles", async () => {
    const session = await registerThroughClient({ emailCode: "123456" });
    expect(session.token).toMatch(/^ey/);
    expect(session.refreshToken.length).toBeGreaterThan(20);
    expect(session.user).toMatchObject({ username: session.username, email: expect.stringContaining("@example.com") });
    expect(typeof session.user.id).toBe("string");
    expect(session.response.roles).toEqual(["reader"]);
    expect(session.user.roles).toEqual(["reader"]);
  });

  it("login (LoginCredentials {username, password}) → the same LoginResponse fields; the username in any width logs in", async () => {
    const session = await registerThroughClient();
    const response = asObject(await httpService("POST", "/user/auth/login", { data: { username: session.username, password: session.password }, headers: ip() }));
    expect(response).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), roles: ["reader"] });
    expect(asObject(response.user ?? null)).toMatchObject({ id: session.user.id, username: session.username });
  });

  it("a username the old rule refused (Chinese with -) and a weak password: the message the client shows says what to do", async () => {
    const taken = await send("POST", "/user/auth/register", { data: { username: `林-${clientUsername("x")}`, email: `w${Date.now()}@example.com`, password: "123456" }, headers: ip() });
    expect(taken.status).toBe(400);
    // http.service shows `message` to the person (message.error(data.message)).
    expect(taken.body.message).toBe("invalid parameters: password: Too short. Use 8 to 32 characters with at least one letter and one digit, e.g. reading2024");
  });

  it("roles and permissions → bare string arrays (UserRole[] / UserPermission[] positions)", async () => {
    const session = await registerThroughClient();
    expect(await httpService("GET", "/user/auth/roles", { token: session.token })).toEqual(["reader"]);
    const permissions = asArray(await httpService("GET", "/user/auth/permissions", { token: session.token }));
    expect(permissions).toContain("book:read");
    expect(permissions.every((permission) => typeof permission === "string")).toBe(true);
  });

  it("refresh as the store sends it ({token}) → a new token; logout → 200", async () => {
    const session = await registerThroughClient();
    const refreshed = asObject(await httpService("POST", "/user/auth/refresh", { data: { token: session.refreshToken } }));
    expect(refreshed.token).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    await httpService("POST", "/user/auth/logout", { token: String(refreshed.token) });
  });
});

describe("profile — src/modules/shared/api/auth.ts getUserInfo / updateUserInfo / changePassword", () => {
  it("GET /user/profile → the user itself (normalizeProfilePayload takes it when there is no `user`): id, username, email, nickname, avatar, createdAt", async () => {
    const session = await registerThroughClient();
    const profile = asObject(await httpService("GET", "/user/profile", { token: session.token }));
    expect(profile).toMatchObject({ id: session.user.id, username: session.username, email: session.user.email, nickname: null, avatar: null });
    expect(profile.createdAt).toEqual(expect.any(String));
  });

  it("PUT /user/profile {nickname, bio} → the updated user; PUT /user/password {old_password, new_password} → 200", async () => {
    const session = await registerThroughClient();
    const updated = asObject(await httpService("PUT", "/user/profile", { token: session.token, data: { nickname: "夜读人", bio: "读书" } }));
    expect(updated).toMatchObject({ nickname: "夜读人", bio: "读书" });
    const changed = await send("PUT", "/user/password", { token: session.token, data: { old_password: session.password, new_password: "another2025" } });
    expect(changed.status).toBe(200);
  });
});

describe("devices — src/modules/user/api/security.ts getLoginDevices / removeDevice (LoginDevice)", () => {
  it("GET /users/devices {params:{page,size}} → LoginDevice rows (id, deviceName, deviceType, ip, lastActiveTime, isCurrent, createdAt); the envelope has top-level pagination", async () => {
    const session = await registerThroughClient();
    await httpService("POST", "/user/auth/login", { data: { username: session.username, password: session.password }, headers: { ...ip(), "User-Agent": "QingyuApp/3.2 (Linux; Android 14)" } });
    // security.ts calls httpService.get('/users/devices', { params }): axios sends params[page]=1&params[size]=10.
    const exchange = await send("GET", "/users/devices", { token: session.token, params: { params: { page: 1, size: 10 } } });
    expect(exchange.url).toContain("params[page]=1&params[size]=10");
    expect(exchange.body.pagination).toMatchObject({ total: 2, page: 1 });
    const rows = asArray(await httpService("GET", "/users/devices", { token: session.token, params: { params: { page: 1, size: 10 } } })).map(asObject);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ id: expect.any(String), deviceName: expect.any(String), ip: expect.any(String), lastActiveTime: expect.any(String), isCurrent: expect.any(Boolean), createdAt: expect.any(String) });
      expect(["desktop", "mobile", "tablet", "other"]).toContain(row.deviceType);
    }
    const other = rows.find((row) => row.isCurrent === false);
    expect(other?.deviceName).toBe("Qingyu App on Android");

    await httpService("DELETE", `/users/devices/${String(other?.id)}`, { token: session.token });
    const left = asArray(await httpService("GET", "/users/devices", { token: session.token })).map(asObject);
    expect(left.map((row) => row.isCurrent)).toEqual([true]);
  });
});
