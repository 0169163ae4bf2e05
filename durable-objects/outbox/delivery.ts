/**
 * Delivers an object's outbox: at least once, from the alarm (and, for
 * latency, right after the write that enqueued a message). Receivers apply
 * each message at most once by id (inbox.ts), which together makes the effect
 * exactly once. A message is retried with backoff until it is acknowledged or
 * refused; a refusal runs the owner's compensation in the same transaction
 * that settles the message.
 */
import { beginAttempt, dueMessages, nextAttemptAt, pendingMessage, reschedule, retryDelayMs, settle, type DeliveryOutcome, type OutboxMessage } from "./outbox";

/** Delivers one kind of message. Throwing (or timing out) means "try again later". */
export type OutboxHandler = (message: OutboxMessage) => Promise<DeliveryOutcome>;

/** Runs inside the transaction that settles a message, once per message: mark the transfer done, refund, ... */
export type SettleHook = (message: OutboxMessage, outcome: DeliveryOutcome, now: number) => void;

/** Told of every send before it leaves, with its number (1 for the first): metrics count the retries. */
export type AttemptObserver = (message: OutboxMessage, sendNumber: number) => void;

/** Retry timing. */
export type DeliveryTiming = { baseDelayMs: number; maxDelayMs: number; timeoutMs: number; batchSize?: number };

/** What one delivery run did. */
export type DeliveryReport = { attempted: number; acked: number; rejected: number; failed: number };

/** `promise`, or a rejection after `timeoutMs` (the timer is cleared either way). */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // The timer is cleared either way, so a fast delivery does not keep the object busy until it fires.
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}

/**
 * One object's delivery loop state. Holds the ids being delivered right now,
 * so the alarm and an inline attempt never send the same message at once
 * from this instance. (Across instances, after eviction, the receiver's inbox
 * and `settle`'s pending-only update keep it exactly once anyway.)
 */
export class OutboxDelivery {
  private readonly inflight = new Set<string>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly handlers: Readonly<Record<string, OutboxHandler>>,
    private readonly onSettled: SettleHook,
    private readonly timing: () => DeliveryTiming,
    private readonly observe: AttemptObserver = () => {},
  ) {}

  /** True while some message is being delivered by this instance. */
  get busy(): boolean {
    return this.inflight.size > 0;
  }

  /** Delivers the given pending messages now, whatever their schedule (the inline attempt after a write). */
  deliverNow(ids: readonly string[]): Promise<DeliveryReport> {
    const sql = this.storage.sql;
    const messages = ids.map((id) => pendingMessage(sql, id)).filter((message): message is OutboxMessage => message !== null);
    return this.attempt(messages);
  }

  /** Delivers every message that is due (the alarm). */
  deliverDue(now: number = Date.now()): Promise<DeliveryReport> {
    return this.attempt(dueMessages(this.storage.sql, now, this.timing().batchSize ?? 50));
  }

  /**
   * When the alarm must next run: the earliest pending attempt, or, for a
   * message this instance is delivering right now, one base delay from now
   * (should that attempt die with the instance, the alarm still retries it).
   */
  nextRunAt(now: number = Date.now()): number | null {
    const next = nextAttemptAt(this.storage.sql);
    if (next === null) return null;
    return this.inflight.size > 0 ? Math.max(next, now + this.timing().baseDelayMs) : Math.max(next, now);
  }

  private async attempt(messages: readonly OutboxMessage[]): Promise<DeliveryReport> {
    const report: DeliveryReport = { attempted: 0, acked: 0, rejected: 0, failed: 0 };
    const mine = messages.filter((message) => !this.inflight.has(message.id));
    for (const message of mine) this.inflight.add(message.id);
    await Promise.all(
      mine.map(async (message) => {
        report.attempted += 1;
        const sendNumber = beginAttempt(this.storage.sql, message.id);
        this.observe(message, sendNumber);
        try {
          const outcome = await this.send({ ...message, attempts: sendNumber - 1 });
          // A settle that throws (a compensation broke an invariant) is a bug: it is recorded and retried like a failed send.
          this.storage.transactionSync(() => {
            const now = Date.now();
            if (settle(this.storage.sql, message.id, outcome, now)) this.onSettled(message, outcome, now);
          });
          report[outcome.type === "acked" ? "acked" : "rejected"] += 1;
        } catch (error) {
          report.failed += 1;
          const delay = retryDelayMs(sendNumber, this.timing());
          reschedule(this.storage.sql, message.id, Date.now() + delay, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        } finally {
          this.inflight.delete(message.id);
        }
      }),
    );
    return report;
  }

  private send(message: OutboxMessage): Promise<DeliveryOutcome> {
    const handler = this.handlers[message.kind];
    if (!handler) return Promise.reject(new Error(`no handler for outbox kind '${message.kind}'`));
    return withTimeout(handler(message), this.timing().timeoutMs);
  }
}
