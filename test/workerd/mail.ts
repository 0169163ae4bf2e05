/** Reads the test mail catcher (test/setup/mail-catcher.global.ts) from inside workerd. Imported by tests only. */
import { env } from "cloudflare:workers";
import { api, envelope, randomIp, uniqueUsername, type TokenPairData } from "./api";

export interface CaughtMail {
  id: number;
  to: string;
  subject: string;
  text: string;
}

export const mailCatcherUrl = (): string => (env as unknown as { MAIL_CATCHER_URL: string }).MAIL_CATCHER_URL;

/** The mails that reached the address so far ([] while the catcher is not listening, as in the outage test). */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  try {
    const response = await fetch(`${mailCatcherUrl()}/messages?to=${encodeURIComponent(address)}`);
    return await response.json<CaughtMail[]>();
  } catch {
    return [];
  }
}

/** Waits until `count` mails reached the address (through the real queue), then returns them. */
export async function waitForMails(address: string, count = 1, timeoutMs = 30_000): Promise<CaughtMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(address);
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`expected ${count} mail(s) to ${address}, got ${mails.length}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The six-digit code in a code mail. */
export function codeIn(mail: CaughtMail): string {
  const match = /\b(\d{6})\b/.exec(mail.text);
  if (!match?.[1]) throw new Error("no code in the mail");
  return match[1];
}

export async function controlCatcher(action: "fail" | "outage", body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${mailCatcherUrl()}/_control/${action}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`mail catcher control ${action}: HTTP ${response.status}`);
}

export const uniqueEmail = (prefix = "mail") => `${prefix}.${Date.now().toString(36)}.${Math.floor(Math.random() * 1e9)}@example.com`;

/**
 * Registers a user whose address is verified: a `register` code is requested, read from the mail catcher and
 * sent with the registration, as the web client does. Account notices are emailed only to such an address.
 */
export async function registerVerifiedUser() {
  const username = uniqueUsername();
  const email = `${username.toLowerCase()}@example.com`;
  const ip = randomIp();
  const sent = await api("/api/v1/shared/auth/email-code", { json: { email, purpose: "register" }, headers: { "CF-Connecting-IP": ip } });
  if (sent.status !== 200) throw new Error(`email code: HTTP ${sent.status}`);
  const code = codeIn((await waitForMails(email))[0]!);
  const response = await api("/api/v1/shared/auth/register", { json: { username, email, password: "reading2024", verificationCode: code }, headers: { "CF-Connecting-IP": ip } });
  const body = await envelope<TokenPairData>(response, 201);
  return { username, email, password: "reading2024", pair: body.data };
}
