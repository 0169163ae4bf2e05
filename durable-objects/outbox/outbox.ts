/**
 * The sending side's storage operations. All are synchronous SQL, meant to
 * run inside the owner's `transactionSync`, so a message is written with the
 * effect that owes it and settled with the effect its outcome causes.
 */

/** A message to deliver. `payload` is JSON the handler for `kind` understands; `attempts` counts the sends before this one. */
export type OutboxMessage = {
  id: string;
  kind: string;
  target: string;
  payload: string;
  amount: number;
  attempts: number;
  created_at: number;
};

/**
 * What a delivery attempt ended in: the receiver applied it (or had already)
 * and acknowledged, or it refused for good (the sender compensates, e.g.
 * refunds). Anything else (a thrown error, a timeout) is retried.
 */
export type DeliveryOutcome = { type: "acked"; result: string | null } | { type: "rejected"; reason: string };

/** A new message; `amount` defaults to 0 (a message that carries no money). */
export type NewMessage = { id: string; kind: string; target: string; payload: unknown; amount?: number };

/** Writes a message, due at once (or at `dueAt`). Call inside the transaction that makes the effect it reports. */
export function enqueue(sql: SqlStorage, message: NewMessage, now: number, dueAt: number = now): void {
  sql.exec(
    `INSERT INTO outbox (id, kind, target, payload, amount, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    message.id,
    message.kind,
    message.target,
    JSON.stringify(message.payload),
    message.amount ?? 0,
    dueAt,
    now,
  );
}

/** Pending messages due by `now`, oldest due first. */
export function dueMessages(sql: SqlStorage, now: number, limit: number): OutboxMessage[] {
  return sql
    .exec<OutboxMessage>(
      "SELECT id, kind, target, payload, amount, attempts, created_at FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
      now,
      limit,
    )
    .toArray();
}

/** One pending message by id, or null when it is settled or unknown. */
export function pendingMessage(sql: SqlStorage, id: string): OutboxMessage | null {
  return (
    sql
      .exec<OutboxMessage>("SELECT id, kind, target, payload, amount, attempts, created_at FROM outbox WHERE id = ? AND status = 'pending'", id)
      .toArray()[0] ?? null
  );
}

/**
 * Counts a send before it starts and returns its number (1 for the first).
 * The write is durable before the send leaves: a Durable Object's output gate
 * holds outgoing messages until pending storage writes are confirmed. So a
 * handler that sees `attempts === 0` knows no earlier send can have reached
 * the receiver, even one cut off by a crash.
 */
export function beginAttempt(sql: SqlStorage, id: string): number {
  sql.exec("UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND status = 'pending'", id);
  return sql.exec<{ attempts: number }>("SELECT attempts FROM outbox WHERE id = ?", id).one().attempts;
}

/**
 * Marks a message settled. Returns false when it already was, so the caller's
 * compensation (a refund) can never run twice even if two attempts raced.
 */
export function settle(sql: SqlStorage, id: string, outcome: DeliveryOutcome, now: number): boolean {
  const result = outcome.type === "acked" ? outcome.result : outcome.reason;
  const cursor = sql.exec(
    "UPDATE outbox SET status = ?, result = ?, settled_at = ?, last_error = NULL WHERE id = ? AND status = 'pending'",
    outcome.type,
    result,
    now,
    id,
  );
  return cursor.rowsWritten > 0;
}

/** Records a failed attempt and when to try again. */
export function reschedule(sql: SqlStorage, id: string, nextAttemptAt: number, error: string): void {
  sql.exec("UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'", nextAttemptAt, error.slice(0, 500), id);
}

/** The earliest pending attempt time, or null when nothing is owed. */
export function nextAttemptAt(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>("SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending'").one().at;
}

/** Money and messages still owed, by kind. */
export function pendingByKind(sql: SqlStorage): Map<string, { messages: number; amount: number }> {
  const rows = sql
    .exec<{ kind: string; n: number; amount: number }>(
      "SELECT kind, count(*) AS n, coalesce(sum(amount), 0) AS amount FROM outbox WHERE status = 'pending' GROUP BY kind",
    )
    .toArray();
  return new Map(rows.map((row) => [row.kind, { messages: row.n, amount: row.amount }]));
}

/**
 * Delay before retrying after failed attempt number `attempt` (1-based):
 * `min(maxDelayMs, baseDelayMs × 2^(attempt-1))`. Never gives up: money owed
 * is owed until the receiver acknowledges.
 */
export function retryDelayMs(attempt: number, timing: { baseDelayMs: number; maxDelayMs: number }): number {
  return Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
}

/** Drops settled messages older than `before` (the ledger keeps the record of what moved; pending ones are never touched). */
export function pruneSettled(sql: SqlStorage, before: number): void {
  sql.exec("DELETE FROM outbox WHERE status != 'pending' AND settled_at < ?", before);
}
