import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, forgeToken, randomIp, registerUser, testKey, uniqueUsername } from "../../test/workerd/api";
import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";
import { withRuntimeConfig } from "../../test/workerd/runtime-config";

describeAuthSecurity("auth routes", [
  { method: "GET", path: "/api/v1/user/profile" },
  { method: "PUT", path: "/api/v1/user/profile", json: { nickname: "x" } },
  { method: "PUT", path: "/api/v1/user/password", json: { old_password: "reading2024", new_password: "another2025" } },
  { method: "POST", path: "/api/v1/user/email", json: { email: "someone@example.com", code: "123456" } },
  { method: "GET", path: "/api/v1/shared/auth/sessions" },
  { method: "DELETE", path: `/api/v1/shared/auth/sessions/${crypto.randomUUID()}` },
  { method: "POST", path: "/api/v1/shared/auth/logout-all" },
  { method: "GET", path: "/api/v1/shared/auth/roles" },
  { method: "GET", path: "/api/v1/shared/auth/permissions" },
  { method: "GET", path: "/api/v1/system/ping/auth" },
]);

const profileWith = (token: string) => api("/api/v1/user/profile", { token });

function base64url(text: string): string {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

describe("JWT attacks (security)", () => {
  it("a valid token of a real user is accepted (control)", async () => {
    const { pair } = await registerUser();
    expect((await profileWith(pair.token)).status).toBe(200);
  });

  it("tokens signed by the previous key still verify (rotation)", async () => {
    const { pair } = await registerUser();
    const [, payload] = pair.token.split(".");
    const claims = JSON.parse(atob((payload ?? "").replaceAll("-", "+").replaceAll("_", "/"))) as Record<string, unknown>;
    const oldKeyToken = await forgeToken(claims, { kid: "test-old", key: testKey("test-old") });
    expect((await profileWith(oldKeyToken)).status).toBe(200);
  });

  it("a token older than the current access-token lifetime is refused (2007), even if its exp is later", async () => {
    const { pair } = await registerUser();
    const now = Math.floor(Date.now() / 1000);
    // Issued 20 minutes ago while the lifetime was an hour; the default lifetime is now 15 minutes.
    const issuedEarlier = await forgeToken({ sub: pair.user_id, user_id: pair.user_id, iat: now - 1_200, nbf: now - 1_200, exp: now + 2_400 });
    expect((await envelope(await profileWith(issuedEarlier), 401)).code).toBe(2007);
    await withRuntimeConfig({ auth: { accessTokenTtlSeconds: 3_600 } }, async () => {
      expect((await profileWith(issuedEarlier)).status).toBe(200);
    });
  });

  it.each([
    [
      "alg none",
      async () =>
        `${base64url(JSON.stringify({ alg: "none", typ: "JWT", kid: "test-new" }))}.${base64url(JSON.stringify({ sub: "u", user_id: "u", token_type: "access", exp: 9999999999 }))}.`,
    ],
    ["HS512 instead of HS256", () => forgeToken({ sub: "u", user_id: "u" }, { alg: "HS512" })],
    ["unknown kid", () => forgeToken({ sub: "u", user_id: "u" }, { kid: "nobody" })],
    ["right kid, wrong key", () => forgeToken({ sub: "u", user_id: "u" }, { key: testKey("test-old") })],
    ["wrong issuer", () => forgeToken({ sub: "u", user_id: "u" }, { issuer: "evil" })],
    ["wrong audience", () => forgeToken({ sub: "u", user_id: "u" }, { audience: "someone-else" })],
    ["refresh-type token used as access", () => forgeToken({ sub: "u", user_id: "u", token_type: "refresh" })],
    ["missing token_type", () => forgeToken({ sub: "u", user_id: "u", token_type: undefined })],
    ["sub and user_id disagree", () => forgeToken({ sub: "u", user_id: "v" })],
    ["not a JWT at all", async () => "definitely.not.ajwt"],
  ])("%s → 401 code 2008", async (_name, makeToken) => {
    const body = await envelope(await profileWith(await makeToken()), 401);
    expect(body.code).toBe(2008);
  });

  it("a tampered payload (roles raised to admin) → 401 code 2008", async () => {
    const { pair } = await registerUser();
    const [header, payload, signature] = pair.token.split(".");
    const claims = JSON.parse(atob((payload ?? "").replaceAll("-", "+").replaceAll("_", "/"))) as Record<string, unknown>;
    const tampered = `${header}.${base64url(JSON.stringify({ ...claims, roles: ["admin"] }))}.${signature}`;
    expect((await envelope(await profileWith(tampered), 401)).code).toBe(2008);
  });

  it("expired → 401 code 2007; not yet valid → 401 code 2007", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await envelope(await profileWith(await forgeToken({ sub: "u", user_id: "u", iat: now - 1000, nbf: now - 1000, exp: now - 10 })), 401)).code).toBe(
      2007,
    );
    expect((await envelope(await profileWith(await forgeToken({ sub: "u", user_id: "u", nbf: now + 3600, exp: now + 7200 })), 401)).code).toBe(2007);
  });

  it("the Bearer scheme is case-insensitive, as RFC 6750 says", async () => {
    const { pair } = await registerUser();
    expect((await api("/api/v1/user/profile", { headers: { Authorization: `bearer ${pair.token}` } })).status).toBe(200);
  });
});

describe("accounts (security)", () => {
  it("SQL-looking input is plain data: login with it fails cleanly, the users table survives", async () => {
    for (const username of ["' OR '1'='1", "admin'--", 'x"; DROP TABLE users; --', "%' OR 1=1 --"]) {
      const body = await envelope(
        await api("/api/v1/shared/auth/login", { json: { username, password: "whatever1" }, headers: { "CF-Connecting-IP": randomIp() } }),
        401,
      );
      expect(body.code).toBe(1002);
    }
    const { username, password } = await registerUser();
    expect((await api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": randomIp() } })).status).toBe(200);
  });

  it("banned and disabled accounts cannot log in → 403 code 1003 (after the password check)", async () => {
    for (const status of ["banned", "disabled"]) {
      const { username, password } = await registerUser();
      await env.DB.prepare("UPDATE users SET status = ? WHERE username = ?").bind(status, username).run();
      expect(
        (await envelope(await api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": randomIp() } }), 403)).code,
      ).toBe(1003);
      // A wrong password still says 401: the account state is not revealed to guessers.
      expect((await api("/api/v1/shared/auth/login", { json: { username, password: "guess12345" }, headers: { "CF-Connecting-IP": randomIp() } })).status).toBe(
        401,
      );
    }
  });

  it("the password hash is PBKDF2-SHA256 with 100,000 iterations and a per-user salt", async () => {
    const first = await registerUser({ password: "samepass123" });
    const second = await registerUser({ password: "samepass123", username: uniqueUsername("twin") });
    const rows = await env.DB.prepare("SELECT password_hash FROM users WHERE username IN (?, ?)")
      .bind(first.username, second.username)
      .all<{ password_hash: string }>();
    const hashes = rows.results.map((row) => row.password_hash);
    expect(hashes).toHaveLength(2);
    for (const hash of hashes) expect(hash).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(hashes[0]).not.toBe(hashes[1]);
  });
});
