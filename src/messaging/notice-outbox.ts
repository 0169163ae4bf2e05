/**
 * The D1 outbox for notices that must survive a Worker dying right after the
 * change they announce. The change and its outbox row are one D1 batch (one
 * transaction); the request then enqueues the message and deletes the row. A
 * row left behind (the Worker died before or during the enqueue) is sent by
 * the cron drain once it is older than the grace, so the request's own send
 * normally wins. Both may send one message: its id makes that one delivery.
 */
import { loadMessagingConfig } from "./config";
import type { AccountNoticeMessage, QueueMessageBody } from "./messages";
import { createMessagingService, type MessagingService } from "./service";

/** The statement that stores a notice in the outbox; run it in the same batch as the change. */
export function outboxInsert(db: D1Database, message: AccountNoticeMessage): D1PreparedStatement {
  return db.prepare("INSERT OR IGNORE INTO notice_outbox (id, body, created_at) VALUES (?, ?, ?)").bind(message.id, JSON.stringify(message), message.createdAt);
}

/** The request's send: enqueue (resolves once the queue holds it), then drop the row. */
export async function sendFromOutbox(db: D1Database, messaging: MessagingService, message: AccountNoticeMessage): Promise<void> {
  await messaging.enqueue(message);
  await db.prepare("DELETE FROM notice_outbox WHERE id = ?").bind(message.id).run();
}

/** Sends and drops the rows older than `graceMs` (oldest first, at most `limit`); returns how many were sent. */
export async function drainNoticeOutbox(db: D1Database, messaging: MessagingService, now: number, graceMs: number, limit = 100): Promise<number> {
  const { results } = await db
    .prepare("SELECT id, body FROM notice_outbox WHERE created_at <= ? ORDER BY created_at LIMIT ?")
    .bind(now - graceMs, limit)
    .all<{ id: string; body: string }>();
  for (const row of results) await sendFromOutbox(db, messaging, JSON.parse(row.body) as AccountNoticeMessage);
  return results.length;
}

/** The Worker's `scheduled` handler (cron in wrangler.toml): drains the notice outbox. */
export async function handleScheduled(_controller: ScheduledController, env: Env): Promise<void> {
  const graceMs = loadMessagingConfig(env).NOTICE_OUTBOX_GRACE_SECONDS * 1000;
  await drainNoticeOutbox(env.DB, createMessagingService(env.MESSAGES as unknown as Queue<QueueMessageBody>), Date.now(), graceMs);
}
