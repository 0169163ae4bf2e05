/**
 * Level events: each one is written to the inbox (notifications) and, when a
 * webhook is configured, to the outbox, inside the caller's transaction, so an
 * event exists exactly when the debit that caused it does.
 */
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { AlertLevel, QuotaLevel } from "../../contract/quota/inputs";
import type { QuotaEvent, QuotaNotification } from "../../contract/quota/views";
import { webhookBody } from "../../contract/quota/webhook";
import { forecastExhaustedAt } from "./forecast";
import { thresholdOf } from "./levels";
import { balanceOf, iso, isoOrNull, totalOf, type QuotaLevelRow, type QuotaRow } from "./rows";

/** What recording needs from the unit of work. */
export type EventSink = { sql: SqlStorage; policy: QuotaPolicy; userId: string; now: number; due(at: number): void };

/** Stores one event in the inbox and the outbox and returns it. */
export function recordEvent(sink: EventSink, row: QuotaRow, level: AlertLevel, previousLevel: QuotaLevel): QuotaEvent {
  const event: QuotaEvent = {
    id: crypto.randomUUID(),
    userId: sink.userId,
    quotaType: row.quota_type,
    level,
    previousLevel,
    thresholdPercent: thresholdOf(level, sink.policy.thresholds),
    remainingQuota: balanceOf(row),
    totalQuota: totalOf(row) ?? -1,
    resetAt: isoOrNull(row.reset_at),
    createdAt: iso(sink.now),
    forecastExhaustedAt: isoOrNull(forecastExhaustedAt(row, sink.now, sink.policy.forecast)),
  };
  sink.sql.exec(
    `INSERT INTO notifications (id, kind, event_id, quota_type, level, previous_level, threshold, remaining, total, reset_at, created_at)
     VALUES (?, 'quota_level', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    event.id,
    event.id,
    event.quotaType,
    level,
    previousLevel,
    event.thresholdPercent,
    event.remainingQuota,
    event.totalQuota,
    row.reset_at,
    sink.now,
  );
  const webhook = sink.policy.webhook;
  if (webhook) {
    sink.sql.exec(
      `INSERT INTO webhook_outbox (event_id, url, secret, body, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
      event.id,
      webhook.url,
      webhook.secret,
      JSON.stringify(webhookBody(event)),
      sink.now,
      sink.now,
    );
    sink.due(sink.now);
  }
  return event;
}

const TITLES: Record<AlertLevel, string> = {
  warning: "AI quota running low",
  critical: "AI quota almost used up",
  exhausted: "AI quota used up",
};

function message(row: QuotaLevelRow): string {
  const resets = row.reset_at === null ? "It does not reset; ask for a recharge." : `It resets at ${iso(row.reset_at)}.`;
  if (row.level === "exhausted") return `Your ${row.quota_type} AI quota of ${row.total} tokens is used up. ${resets}`;
  return `Your ${row.quota_type} AI quota has ${row.remaining} of ${row.total} tokens left (at or below ${row.threshold}%). ${resets}`;
}

/** A quota-level inbox row → view, with a readable title and message (clients may localise by `level`). */
export function quotaNotificationView(row: QuotaLevelRow, userId: string): QuotaNotification {
  return {
    id: row.id,
    kind: "quota_level",
    userId,
    quotaType: row.quota_type,
    level: row.level,
    previousLevel: row.previous_level,
    thresholdPercent: row.threshold,
    remainingQuota: row.remaining,
    totalQuota: row.total,
    resetAt: isoOrNull(row.reset_at),
    createdAt: iso(row.created_at),
    title: TITLES[row.level],
    message: message(row),
    readAt: isoOrNull(row.read_at),
  };
}
