import { describe, expect, it, vi } from "vitest";
import { api, envelope, login, randomIp, registerUser, uniqueUsername } from "../../test/workerd/api";
import { codeIn, controlCatcher, mailsTo, uniqueEmail, waitForMails } from "../../test/workerd/mail";
import { env } from "cloudflare:workers";
import { getRuntimeConfig, rememberRuntimeConfig } from "../runtime-config/cache";

/**
 * Turns email verification on in this isolate's copy of the runtime config only: saving it to the store
 * would make other test files' registrations (which send no code) fail while it lasts. Called before each
 * request, since the copy is kept for CONFIG_CACHE_TTL_MS.
 */
async function requireVerificationHere(): Promise<void> {
  const current = await getRuntimeConfig(env.CONFIG_STORE, 0);
  rememberRuntimeConfig(env.CONFIG_STORE, { ...current, document: { ...current.document, auth: { ...current.document.auth, requireEmailVerification: true } } });
}

const requestCode = (email: string, purpose = "register", ip = randomIp()) =>
  api("/api/v1/shared/auth/email-code", { json: { email, purpose }, headers: { "CF-Connecting-IP": ip } });

describe("email codes through the real queue", () => {
  it("registers with the code the local mail catcher received, and the code works once", async () => {
    const email = uniqueEmail("register");
    const sent = await envelope<{ sent: boolean; expiresIn: number }>(await requestCode(email), 200);
    expect(sent.data).toMatchObject({ sent: true, expiresIn: 600 });
    const [mail] = await waitForMails(email);
    const code = codeIn(mail!);
    try {
      await requireVerificationHere();
      const withoutCode = await api("/api/v1/shared/auth/register", { json: { username: uniqueUsername(), email, password: "reading2024" }, headers: { "CF-Connecting-IP": randomIp() } });
      expect(withoutCode.status).toBe(400);
      // The web client's field name.
      await requireVerificationHere();
      const registered = await api("/api/v1/shared/auth/register", { json: { username: uniqueUsername(), email, password: "reading2024", emailCode: code }, headers: { "CF-Connecting-IP": randomIp() } });
      expect(registered.status).toBe(201);
      const { token } = (await envelope<{ token: string }>(registered)).data;
      expect((await envelope<{ emailVerified: boolean }>(await api("/api/v1/user/profile", { token }), 200)).data.emailVerified).toBe(true);
      await requireVerificationHere();
      const again = await api("/api/v1/shared/auth/register", {
        json: { username: uniqueUsername(), email: uniqueEmail("other"), password: "reading2024", verificationCode: code },
        headers: { "CF-Connecting-IP": randomIp() },
      });
      expect(again.status).toBe(400);
    } finally {
      await getRuntimeConfig(env.CONFIG_STORE, 0);
    }
  });

  it("answers the same whether or not the address has an account, and one code per address per minute", async () => {
    const user = await registerUser();
    const known = `${user.username.toLowerCase()}@example.com`;
    const unknown = uniqueEmail("nobody");
    const a = await envelope<Record<string, unknown>>(await requestCode(known, "reset_password"), 200);
    const b = await envelope<Record<string, unknown>>(await requestCode(unknown, "reset_password"), 200);
    expect(a.data).toEqual(b.data);
    expect(a.message).toBe(b.message);
    const second = await requestCode(known, "reset_password");
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    await waitForMails(known);
    expect(await mailsTo(unknown)).toEqual([]);
  });

  it("resets the password with the code, ends every session and emails a password-changed notice", async () => {
    const user = await registerUser();
    const email = `${user.username.toLowerCase()}@example.com`;
    await envelope(await requestCode(email, "reset_password"), 200);
    const code = codeIn((await waitForMails(email))[0]!);
    const reset = await api("/api/v1/shared/auth/password/reset", { json: { email, code, new_password: "newReading2025" } });
    expect(reset.status).toBe(200);
    expect((await api("/api/v1/user/profile", { token: user.pair.token })).status).toBe(401);
    expect((await login(user.username, "newReading2025")).token).toBeTruthy();
    const mails = await waitForMails(email, 2);
    expect(mails.some((mail) => mail.subject === "Your password was changed")).toBe(true);
    const reuse = await api("/api/v1/shared/auth/password/reset", { json: { email, code, new_password: "another2026x" } });
    expect(reuse.status).toBe(400);
  });

  it("an account registered without a code starts unverified (no notice emails); a reset with a code verifies it", async () => {
    const user = await registerUser();
    const email = `${user.username.toLowerCase()}@example.com`;
    const verified = async (token: string) => (await envelope<{ emailVerified: boolean }>(await api("/api/v1/user/profile", { token }), 200)).data.emailVerified;
    expect(await verified(user.pair.token)).toBe(false);
    const changed = await api("/api/v1/user/password", { method: "PUT", token: user.pair.token, json: { old_password: user.password, new_password: "firstChange2025" } });
    expect(changed.status).toBe(200);
    await envelope(await requestCode(email, "reset_password"), 200);
    const code = codeIn((await waitForMails(email))[0]!);
    expect((await api("/api/v1/shared/auth/password/reset", { json: { email, code, new_password: "newReading2025" } })).status).toBe(200);
    expect(await verified((await login(user.username, "newReading2025")).token)).toBe(true);
    // Only the reset's notice was emailed: the change before it found the address unverified.
    const subjects = (await waitForMails(email, 2)).map((mail) => mail.subject);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await mailsTo(email)).filter((mail) => mail.subject === "Your password was changed")).toHaveLength(1);
    expect(subjects.filter((subject) => subject.startsWith("Your Qingyu code"))).toHaveLength(1);
  }, 40_000);

  it("locks a code after 5 wrong tries, even for the right code", async () => {
    const user = await registerUser();
    const email = `${user.username.toLowerCase()}@example.com`;
    await envelope(await requestCode(email, "reset_password"), 200);
    const code = codeIn((await waitForMails(email))[0]!);
    const wrong = code === "000000" ? "111111" : "000000";
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api("/api/v1/shared/auth/password/reset", { json: { email, code: wrong, new_password: "newReading2025" } })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    const right = await api("/api/v1/shared/auth/password/reset", { json: { email, code, new_password: "newReading2025" } });
    expect(right.status).toBe(429);
    expect((await login(user.username, user.password)).token).toBeTruthy();
  });

  it("delivers once on the third try when the mail API fails twice", async () => {
    const email = uniqueEmail("retry");
    await controlCatcher("fail", { count: 2, to: email });
    await envelope(await requestCode(email), 200);
    const mails = await waitForMails(email, 1, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await mailsTo(email)).toHaveLength(mails.length);
    expect(mails).toHaveLength(1);
  }, 60_000);

  it("keeps messages in the queue while the mail catcher is down and delivers them when it returns", async () => {
    const email = uniqueEmail("outage");
    await controlCatcher("outage", { ms: 4_000 });
    await envelope(await requestCode(email), 200);
    const mails = await waitForMails(email, 1, 50_000);
    expect(mails).toHaveLength(1);
  }, 60_000);

  it("never writes the code or a token into a log line", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    try {
      const user = await registerUser();
      const email = `${user.username.toLowerCase()}@example.com`;
      await controlCatcher("fail", { count: 1, to: email });
      await envelope(await requestCode(email, "reset_password"), 200);
      const code = codeIn((await waitForMails(email, 1, 30_000))[0]!);
      await api("/api/v1/shared/auth/password/reset", { json: { email, code: "999999" === code ? "888888" : "999999", new_password: "newReading2025" } });
      await api("/api/v1/shared/auth/password/reset", { json: { email, code, new_password: "newReading2025" } });
      for (const line of lines) {
        expect(line).not.toContain(code);
        expect(line).not.toContain(user.pair.token);
        expect(line).not.toContain(user.pair.refreshToken);
      }
    } finally {
      vi.restoreAllMocks();
    }
  }, 60_000);
});
