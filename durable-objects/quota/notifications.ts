/**
 * The notification inbox the routes `GET /api/v1/notifications` and
 * `POST /api/v1/notifications/{id}/read` read. Quota level events are written
 * by `recordEvent`, account notices by `addAccountNotice`; this file only reads and marks them.
 */
import type { MarkNotificationReadResult, NotificationsPage, QuotaFailure } from "../../contract/quota/results";
import { notificationView } from "./inbox-views";
import type { NotificationRow } from "./rows";
import { notFound } from "./validation";

/** An inbox page, newest first. */
export function listNotifications(sql: SqlStorage, userId: string, limit: number, offset: number, unreadOnly: boolean, countByKind = false): NotificationsPage {
  const where = unreadOnly ? "WHERE read_at IS NULL" : "";
  const items = sql
    .exec<NotificationRow>(`SELECT * FROM notifications ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`, limit, offset)
    .toArray()
    .map((row) => notificationView(row, userId));
  const counts = sql
    .exec<{ total: number; unread: number }>("SELECT count(*) AS total, count(*) - count(read_at) AS unread FROM notifications")
    .one();
  const page: NotificationsPage = { items, total: unreadOnly ? counts.unread : counts.total, unread: counts.unread, limit, offset };
  if (countByKind) {
    const rows = sql.exec<{ kind: string; n: number }>("SELECT kind, count(*) AS n FROM notifications GROUP BY kind").toArray();
    page.byKind = Object.fromEntries(rows.map((row) => [row.kind, row.n]));
  }
  return page;
}

/** Marks one notification read; marking it again keeps the first read time. */
export function markNotificationRead(sql: SqlStorage, userId: string, id: string, now: number): MarkNotificationReadResult | QuotaFailure {
  sql.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", now, id);
  const row = sql.exec<NotificationRow>("SELECT * FROM notifications WHERE id = ?", id).toArray()[0];
  if (!row) return notFound(`notification ${id} not found`);
  return { notification: notificationView(row, userId) };
}

/** Marks every unread notification read; returns how many changed. */
export function markAllNotificationsRead(sql: SqlStorage, now: number): { updated: number } {
  sql.exec("UPDATE notifications SET read_at = ? WHERE read_at IS NULL", now);
  // changes(), not rowsWritten: the latter also counts index entries.
  return { updated: sql.exec<{ n: number }>("SELECT changes() AS n").one().n };
}

/** Marks the listed unread notifications read in one statement; returns how many changed. */
export function markNotificationsRead(sql: SqlStorage, ids: string[], now: number): { updated: number } {
  if (ids.length === 0) return { updated: 0 };
  sql.exec(`UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND id IN (${ids.map(() => "?").join(", ")})`, now, ...ids);
  return { updated: sql.exec<{ n: number }>("SELECT changes() AS n").one().n };
}
