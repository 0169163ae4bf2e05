/**
 * The quota webhook's wire contract: headers, HMAC-SHA256 signature over the
 * raw body, and the retry schedule. Shared by the Durable Object that sends
 * and by receivers (and tests) that verify.
 */
import { signSha256Header, verifySha256Header } from "../crypto/hmac";
import type { QuotaPolicy } from "./policy";
import type { QuotaEvent } from "./views";

/** Header names on every delivery. The signature covers the raw body bytes only. */
export const WEBHOOK_HEADERS = {
  eventId: "X-Qingyu-Event-Id",
  eventType: "X-Qingyu-Event-Type",
  signature: "X-Qingyu-Signature",
  attempt: "X-Qingyu-Delivery-Attempt",
} as const;

/** The JSON body POSTed for a level event. Identical on every retry, so its signature is too. */
export type QuotaWebhookBody = { id: string; type: `quota.level.${QuotaEvent["level"]}`; createdAt: string; data: QuotaEvent };

/** Builds the body for an event; `type` is `quota.level.warning` etc. */
export function webhookBody(event: QuotaEvent): QuotaWebhookBody {
  return { id: event.id, type: `quota.level.${event.level}`, createdAt: event.createdAt, data: event };
}

/**
 * The `X-Qingyu-Signature` value for a raw body: `sha256=<hex HMAC-SHA256(secret, body)>`.
 *
 * @example
 * const ok = (await signWebhookBody(secret, await request.text())) === request.headers.get(WEBHOOK_HEADERS.signature);
 */
export function signWebhookBody(secret: string, rawBody: string): Promise<string> {
  return signSha256Header(secret, rawBody);
}

/** Verifies a signature header in constant time (WebCrypto's verify), for receivers. */
export function verifyWebhookSignature(secret: string, rawBody: string, header: string | null): Promise<boolean> {
  return verifySha256Header(secret, rawBody, header);
}

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * `min(maxDelayMs, baseDelayMs × 2^(attempt-1))`, or `null` when no attempts are left.
 * No jitter: one object delivers its own few events, so there is no herd to spread.
 */
export function webhookRetryDelayMs(attempt: number, delivery: QuotaPolicy["webhookDelivery"]): number | null {
  if (attempt >= delivery.maxAttempts) return null;
  return Math.min(delivery.maxDelayMs, delivery.baseDelayMs * 2 ** (attempt - 1));
}
