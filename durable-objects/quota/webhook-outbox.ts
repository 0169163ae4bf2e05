/**
 * Delivers the webhook outbox from the alarm: at-least-once, each event POSTed
 * with its stable id and an HMAC-SHA256 signature of the raw body, retried
 * with exponential backoff until a 2xx or `maxAttempts`. Rows outlive
 * eviction because they are storage, not memory.
 */
import { NO_METRICS, type Metrics } from "../../src/metrics/api";
import type { QuotaPolicy } from "../../contract/quota/policy";
import { signWebhookBody, WEBHOOK_HEADERS, webhookRetryDelayMs, type QuotaWebhookBody } from "../../contract/quota/webhook";

/** A `webhook_outbox` row. */
export type OutboxRow = {
  event_id: string;
  url: string;
  secret: string;
  body: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
};

type Attempt = { ok: boolean; status: number | null; error: string | null };

async function send(row: OutboxRow, attempt: number, timeoutMs: number): Promise<Attempt> {
  // A cleared timer rather than AbortSignal.timeout(): that one's timer outlives a fast delivery
  // and keeps the alarm event (and so the object) busy until it fires.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    // The body was serialised once when the event happened; sending the same bytes keeps the signature stable across retries.
    const type = (JSON.parse(row.body) as QuotaWebhookBody).type;
    const response = await fetch(row.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        [WEBHOOK_HEADERS.eventId]: row.event_id,
        [WEBHOOK_HEADERS.eventType]: type,
        [WEBHOOK_HEADERS.signature]: await signWebhookBody(row.secret, row.body),
        [WEBHOOK_HEADERS.attempt]: String(attempt),
      },
      body: row.body,
      signal: controller.signal,
    });
    await response.body?.cancel();
    return { ok: response.ok, status: response.status, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, status: null, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Attempts every pending delivery that is due (up to `batchSize`, in
 * parallel) and records each outcome, in storage and in
 * `qingyu_quota_webhook_deliveries_total` (delivered, failed and retried
 * later, or failed for the last time: gave_up). Returns how many were attempted.
 */
export async function deliverDueWebhooks(
  sql: SqlStorage,
  delivery: QuotaPolicy["webhookDelivery"],
  now: number,
  metrics: Metrics = NO_METRICS,
): Promise<number> {
  const due = sql
    .exec<OutboxRow>("SELECT * FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?", now, delivery.batchSize)
    .toArray();
  await Promise.all(
    due.map(async (row) => {
      const attempt = row.attempts + 1;
      const outcome = await send(row, attempt, delivery.timeoutMs);
      const at = Date.now();
      if (outcome.ok) {
        metrics.inc("qingyu_quota_webhook_deliveries_total", { result: "delivered" });
        sql.exec(
          "UPDATE webhook_outbox SET status = 'delivered', attempts = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE event_id = ?",
          attempt,
          outcome.status,
          at,
          row.event_id,
        );
        return;
      }
      const delay = webhookRetryDelayMs(attempt, delivery);
      metrics.inc("qingyu_quota_webhook_deliveries_total", { result: delay === null ? "gave_up" : "failed" });
      sql.exec(
        "UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE event_id = ?",
        delay === null ? "failed" : "pending",
        attempt,
        delay === null ? row.next_attempt_at : at + delay,
        outcome.status,
        outcome.error,
        row.event_id,
      );
    }),
  );
  return due.length;
}
