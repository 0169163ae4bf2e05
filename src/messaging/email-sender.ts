/**
 * Sending an email, behind one small interface with two real transports: an
 * HTTP email API of the common JSON shape, and Cloudflare's `send_email`
 * binding. A failed send throws; the queue consumer retries it.
 */
import { EmailMessage } from "cloudflare:email";
import type { MessagingConfig } from "./config";
import type { OutgoingEmail } from "./messages";

export interface EmailSender {
  readonly transport: "http" | "binding" | "none";
  send(email: OutgoingEmail): Promise<void>;
}

/** The error of a send; says what failed, never the message's content. */
export class EmailSendError extends Error {
  override readonly name = "EmailSendError";
}

/** POST `{from, to, subject, text}` with a bearer key; any 2xx is success. */
export function httpEmailSender(url: string, apiKey: string, from: string, timeoutMs: number): EmailSender {
  return {
    transport: "http",
    async send(email) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ from, to: email.to, subject: email.subject, text: email.text }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new EmailSendError(`email API unreachable: ${error instanceof Error ? error.name : "error"}`);
      }
      await response.body?.cancel();
      if (!response.ok) throw new EmailSendError(`email API answered HTTP ${response.status}`);
    },
  };
}

/** RFC 2047 encoded-word, so a subject in Chinese survives every mail server. */
const encodeHeader = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${base64(value)}?=`);

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A minimal RFC 5322 message: one text/plain UTF-8 part, base64 lines of 76 characters. */
export function rawMimeMessage(from: string, email: OutgoingEmail, messageId: string): string {
  const body = base64(email.text).replace(/.{76}/g, "$&\r\n");
  return [
    `From: ${from}`,
    `To: ${email.to}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Message-ID: <${messageId}@${from.split("@")[1] ?? "qingyu.example"}>`,
    `Date: ${new Date().toUTCString()}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=UTF-8",
    "Content-Transfer-Encoding: base64",
    "",
    body,
  ].join("\r\n");
}

/** Cloudflare Email Routing's `send_email` binding. */
export function bindingEmailSender(binding: SendEmail, from: string): EmailSender {
  return {
    transport: "binding",
    async send(email) {
      await binding.send(new EmailMessage(from, email.to, rawMimeMessage(from, email, crypto.randomUUID())));
    },
  };
}

/** Drops every email (a deployment with no mail transport). */
export const noEmailSender: EmailSender = { transport: "none", send: async () => undefined };

export function createEmailSender(env: { SEND_EMAIL?: SendEmail }, config: MessagingConfig): EmailSender {
  if (config.EMAIL_TRANSPORT === "http") return httpEmailSender(config.EMAIL_API_URL ?? "", config.EMAIL_API_KEY ?? "", config.EMAIL_FROM, config.EMAIL_API_TIMEOUT_MS);
  if (config.EMAIL_TRANSPORT === "binding" && env.SEND_EMAIL) return bindingEmailSender(env.SEND_EMAIL, config.EMAIL_FROM);
  if (config.EMAIL_TRANSPORT === "binding") throw new EmailSendError("EMAIL_TRANSPORT=binding but no SEND_EMAIL binding is configured");
  return noEmailSender;
}
