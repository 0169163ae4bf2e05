/**
 * Account notices in the inbox (password changed, wallet events), written by
 * the queue consumer that also emails them. One row per event: `event_id` is
 * UNIQUE, so a message the queue delivers again (a retry after a failed email,
 * a redelivery) finds its row and leaves it as it was, read state included.
 */
import type { AddAccountNoticeResult } from "../../contract/quota/results";
import type { AddAccountNoticeArgs } from "../../contract/quota/inputs";
import { notificationView } from "./inbox-views";
import type { NotificationRow } from "./rows";

/** Stores the notice unless its event is already in the inbox; returns the entry either way. */
export function addAccountNotice(sql: SqlStorage, userId: string, input: AddAccountNoticeArgs, now: number): AddAccountNoticeResult {
  sql.exec(
    "INSERT INTO notifications (id, kind, event_id, details, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
    crypto.randomUUID(),
    input.kind,
    input.eventId,
    JSON.stringify(input.details),
    input.createdAt ?? now,
  );
  const created = sql.exec<{ n: number }>("SELECT changes() AS n").one().n === 1;
  const row = sql.exec<NotificationRow>("SELECT * FROM notifications WHERE event_id = ?", input.eventId).one();
  return { notification: notificationView(row, userId), created };
}
