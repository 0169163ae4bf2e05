/**
 * The queue consumer (same Worker as the producer). Each message is delivered
 * at most once by its id: the id is recorded in D1 after a successful send and
 * a redelivered message with a recorded id is acknowledged without sending.
 * An account notice is put in the user's inbox first, idempotently by the same
 * id, so a failed email retries the whole delivery without a second inbox entry. A
 * failed send is retried with a growing delay; after the queue's max_retries
 * the message lands in the dead-letter queue, whose consumer counts and logs
 * it (without its content: a code must never reach a log line).
 */
import { loadConfig } from "../config";
import { createLogger, type Logger } from "../lib/logger";
import { loadMetricsConfig } from "../metrics/config";
import { activeRecorder, configureIsolateMetrics } from "../metrics/isolate";
import { metricsShard } from "../../durable-objects/metrics-shard/client";
import { loadMessagingConfig } from "./config";
import { createEmailSender, type EmailSender } from "./email-sender";
import { emailFor, MESSAGE_KINDS, type MessageKind, type QueueMessageBody } from "./messages";
import { quotaCounterInbox, type NoticeInbox } from "./notice-inbox";

/** Seconds before retry n (1-based): 2, 4, 8, … capped at 5 minutes. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(300, 2 ** Math.max(1, attempt));
}

const kindOf = (body: unknown): MessageKind => {
  const kind = (body as { kind?: unknown } | null)?.kind;
  return (MESSAGE_KINDS as readonly unknown[]).includes(kind) ? (kind as MessageKind) : "account_notice";
};

async function alreadyDelivered(db: D1Database, id: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS found FROM message_deliveries WHERE id = ?").bind(id).first()) !== null;
}

/** Delivers one message (inbox, then email); true when it was delivered now, false when it had been delivered before. */
export async function deliverMessage(db: D1Database, sender: EmailSender, inbox: NoticeInbox, body: QueueMessageBody): Promise<boolean> {
  if (await alreadyDelivered(db, body.id)) return false;
  if (body.kind === "account_notice") await inbox.add(body);
  const email = emailFor(body);
  if (email) await sender.send(email);
  await db.prepare("INSERT OR IGNORE INTO message_deliveries (id, kind, delivered_at) VALUES (?, ?, ?)").bind(body.id, body.kind, Date.now()).run();
  return true;
}

/** The Worker's `queue` handler, for both the messages queue and its dead-letter queue. */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const config = loadConfig(env as unknown as Record<string, unknown>);
  const pipeline = configureIsolateMetrics(loadMetricsConfig(env), { version: config.APP_VERSION, environment: config.ENVIRONMENT });
  const metrics = pipeline ? activeRecorder(pipeline.buffer) : undefined;
  const logger: Logger = createLogger(config.LOG_LEVEL, { component: "messaging", queue: batch.queue });
  try {
    if (batch.queue.endsWith("-dlq")) {
      for (const message of batch.messages) {
        metrics?.inc("qingyu_messages_total", { kind: kindOf(message.body), stage: "dead_lettered" });
        logger.error("message dead-lettered", { message_id: message.id, kind: kindOf(message.body), attempts: message.attempts });
        message.ack();
      }
      return;
    }
    const sender = createEmailSender(env as { SEND_EMAIL?: SendEmail }, loadMessagingConfig(env));
    const inbox = quotaCounterInbox(env.QUOTA_COUNTER);
    for (const message of batch.messages) {
      const body = message.body as QueueMessageBody;
      const kind = kindOf(body);
      try {
        const sent = await deliverMessage(env.DB, sender, inbox, body);
        metrics?.inc("qingyu_messages_total", { kind, stage: sent ? "delivered" : "duplicate" });
        message.ack();
      } catch (error) {
        metrics?.inc("qingyu_messages_total", { kind, stage: "retried" });
        logger.warn("message delivery failed; retrying", { message_id: message.id, kind, attempts: message.attempts, error: error instanceof Error ? error.message : "error" });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }
  } finally {
    pipeline?.afterWork(() => ({ waitUntil: (promise) => ctx.waitUntil(promise), shard: (index) => metricsShard(env, index) }));
  }
}
