import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, login, registerUser } from "../../test/workerd/api";

type Profile = { nickname: string | null; updatedAt: string; lastLoginAt: string | null };
const profileOf = async (token: string) => (await envelope<Profile>(await api("/api/v1/user/profile", { token }), 200)).data;

describe("profile reads through the cache (happy)", () => {
  it("a second read comes from the cache; a profile update is visible on the next read", async () => {
    const { pair } = await registerUser();
    expect((await profileOf(pair.token)).nickname).toBeNull();
    // Changed behind the API's back: the cached copy is still served, which proves the read is cached.
    await env.DB.prepare("UPDATE users SET nickname = 'changed in D1' WHERE id = ?").bind(pair.user_id).run();
    expect((await profileOf(pair.token)).nickname).toBeNull();
    await envelope(await api("/api/v1/user/profile", { method: "PUT", token: pair.token, json: { nickname: "Daiyu" } }), 200);
    expect((await profileOf(pair.token)).nickname).toBe("Daiyu");
  });

  it("a password change invalidates the cached profile", async () => {
    const { password, pair } = await registerUser();
    const before = await profileOf(pair.token);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await envelope(
      await api("/api/v1/user/password", { method: "PUT", token: pair.token, json: { old_password: password, new_password: "newReading2025" } }),
      200,
    );
    expect((await profileOf(pair.token)).updatedAt > before.updatedAt).toBe(true);
  });

  it("a login invalidates it too (the profile shows the last login time)", async () => {
    const { username, password, pair } = await registerUser();
    expect((await profileOf(pair.token)).lastLoginAt).toBeNull();
    const session = await login(username, password);
    expect((await profileOf(session.token)).lastLoginAt).not.toBeNull();
  });
});
