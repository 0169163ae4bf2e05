import { describe, expect, it } from "vitest";
import { api, envelope, login, randomIp, registerUser, uniqueUsername, type TokenPairData } from "../../test/workerd/api";
import { withRuntimeConfig } from "../../test/workerd/runtime-config";

const register = (json: Record<string, unknown>, ip = randomIp()) => api("/api/v1/shared/auth/register", { json, headers: { "CF-Connecting-IP": ip } });

describe("register (error)", () => {
  it.each([
    ["short username", { username: "ab" }, "json.username"],
    ["username with a space", { username: "ab cd" }, "json.username"],
    ["SQL in the username", { username: "x'; DROP TABLE users;--" }, "json.username"],
    ["bad email", { email: "not-an-email" }, "json.email"],
    ["short password", { password: "a1" }, "json.password"],
    ["password without a digit", { password: "onlyletters" }, "json.password"],
    ["password without a letter", { password: "1234567890" }, "json.password"],
    ["password over 32", { password: `a1${"x".repeat(40)}` }, "json.password"],
  ])("%s → 400 code 1001 naming the field", async (_name, override, field) => {
    const username = uniqueUsername();
    const body = await envelope<{ details: Record<string, string> }>(
      await register({ username, email: `${username}@example.com`, password: "reading2024", ...override }),
      400,
    );
    expect(body.code).toBe(1001);
    expect(Object.keys(body.data.details)).toContain(field);
  });

  it("duplicate username → 409 code 2003 (case-insensitive); duplicate email → 409 code 2004", async () => {
    const { username } = await registerUser();
    const sameName = await envelope(await register({ username: username.toUpperCase(), email: `other_${username}@example.com`, password: "reading2024" }), 409);
    expect(sameName.code).toBe(2003);
    const sameEmail = await envelope(await register({ username: uniqueUsername(), email: `${username}@EXAMPLE.com`, password: "reading2024" }), 409);
    expect(sameEmail.code).toBe(2004);
  });

  it("a 10 KB password is refused by validation, without hashing (fast)", async () => {
    const started = performance.now();
    const body = await envelope(await register({ username: uniqueUsername(), email: "big@example.com", password: `a1${"x".repeat(10_000)}` }), 400);
    expect(body.code).toBe(1001);
    const loginStarted = performance.now();
    const failed = await envelope(
      await api("/api/v1/shared/auth/login", { json: { username: "someone", password: "y".repeat(10_000) }, headers: { "CF-Connecting-IP": randomIp() } }),
      400,
    );
    expect(failed.code).toBe(1001);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(performance.now() - loginStarted).toBeLessThan(500);
  });

  it("a 1 MB password is refused before the body is even parsed (413)", async () => {
    const response = await register({ username: uniqueUsername(), email: "huge@example.com", password: "p1".repeat(512 * 1024) });
    expect(response.status).toBe(413);
  });

  it("registrations per IP are limited → 429 code 1007 with Retry-After", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const username = uniqueUsername("flood");
      statuses.push((await register({ username, email: `${username}@example.com`, password: "reading2024" }, ip)).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 201)).toBe(true);
    const limited = await register({ username: uniqueUsername(), email: "x@example.com", password: "reading2024" }, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await envelope(limited)).code).toBe(1007);
  });
});

describe("login (error)", () => {
  it("wrong password and unknown user → the same 401 code 1002 and message", async () => {
    const { username } = await registerUser();
    const wrong = await envelope(
      await api("/api/v1/shared/auth/login", { json: { username, password: "wrongpass1" }, headers: { "CF-Connecting-IP": randomIp() } }),
      401,
    );
    const unknown = await envelope(
      await api("/api/v1/shared/auth/login", {
        json: { username: uniqueUsername("ghost"), password: "wrongpass1" },
        headers: { "CF-Connecting-IP": randomIp() },
      }),
      401,
    );
    expect(wrong.code).toBe(1002);
    expect(unknown.code).toBe(1002);
    expect(unknown.message).toBe(wrong.message);
  });

  it("5 failures for one account → 429 code 1007 with Retry-After, even with the right password", async () => {
    const { username, password } = await registerUser();
    for (let i = 0; i < 5; i++) {
      expect(
        (await api("/api/v1/shared/auth/login", { json: { username, password: `bad${i}pass` }, headers: { "CF-Connecting-IP": randomIp() } })).status,
      ).toBe(401);
    }
    const blocked = await api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": randomIp() } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await envelope(blocked)).code).toBe(1007);
  });

  it("missing fields and malformed JSON → 400 code 1001", async () => {
    expect((await envelope(await api("/api/v1/shared/auth/login", { json: { username: "only" } }), 400)).code).toBe(1001);
    const malformed = await api("/api/v1/shared/auth/login", { method: "POST", body: "{nope", headers: { "content-type": "application/json" } });
    expect((await envelope(malformed, 400)).code).toBe(1001);
  });
});

describe("refresh and logout (error)", () => {
  it("garbage refresh token → 401 code 2008; missing → 400 code 1001", async () => {
    expect((await envelope(await api("/api/v1/shared/auth/refresh", { json: { token: "garbage" } }), 401)).code).toBe(2008);
    expect((await envelope(await api("/api/v1/shared/auth/refresh", { json: { token: `${crypto.randomUUID()}.${"A".repeat(43)}` } }), 401)).code).toBe(2016);
    expect((await envelope(await api("/api/v1/shared/auth/refresh", { json: {} }), 400)).code).toBe(1001);
  });

  it("reusing a rotated refresh token after the grace window revokes the whole session", async () => {
    // A 1 s grace (runtime config) keeps the test short; the default is 10 s.
    await withRuntimeConfig({ auth: { refreshReuseGraceSeconds: 1 } }, async () => {
      const { pair } = await registerUser();
      const rotated = await envelope<TokenPairData>(await api("/api/v1/shared/auth/refresh", { json: { token: pair.refreshToken } }), 200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const reuse = await envelope(await api("/api/v1/shared/auth/refresh", { json: { token: pair.refreshToken } }), 401);
      expect(reuse.code).toBe(2016);
      expect((await envelope(await api("/api/v1/user/profile", { token: rotated.data.token }), 401)).code).toBe(2016);
      expect((await api("/api/v1/shared/auth/refresh", { json: { token: rotated.data.refreshToken } })).status).toBe(401);
    });
  });

  it("logout with no token or a bad token still answers 200", async () => {
    expect((await envelope<{ loggedOut: boolean }>(await api("/api/v1/shared/auth/logout", { method: "POST" }), 200)).data.loggedOut).toBe(false);
    expect((await api("/api/v1/shared/auth/logout", { method: "POST", token: "a.b.c" })).status).toBe(200);
  });

  it("a 6th login evicts the oldest session and really revokes it", async () => {
    const { username, password, pair } = await registerUser();
    const later = [];
    for (let i = 0; i < 5; i++) later.push(await login(username, password));
    expect((await envelope(await api("/api/v1/user/profile", { token: pair.token }), 401)).code).toBe(2016);
    expect((await api("/api/v1/shared/auth/refresh", { json: { token: pair.refreshToken } })).status).toBe(401);
    for (const session of later) expect((await api("/api/v1/user/profile", { token: session.token })).status).toBe(200);
    const list = await envelope<unknown[]>(await api("/api/v1/shared/auth/sessions", { token: later[4]?.token }), 200);
    expect(list.data).toHaveLength(5);
  });

  it("deleting someone else's session → 404, and it stays alive", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const bobSessions = await envelope<Array<{ id: string }>>(await api("/api/v1/shared/auth/sessions", { token: bob.pair.token }), 200);
    const response = await api(`/api/v1/shared/auth/sessions/${bobSessions.data[0]?.id}`, { method: "DELETE", token: alice.pair.token });
    expect((await envelope(response, 404)).code).toBe(1004);
    expect((await api("/api/v1/user/profile", { token: bob.pair.token })).status).toBe(200);
  });

  it("wrong old password on password change → 400 and nothing changes", async () => {
    const { username, password, pair } = await registerUser();
    const body = await envelope<{ details: Record<string, string> }>(
      await api("/api/v1/user/password", { method: "PUT", json: { old_password: "notmine123", new_password: "another2025" }, token: pair.token }),
      400,
    );
    expect(body.data.details).toHaveProperty("old_password");
    await login(username, password);
  });
});
