/**
 * The receiving side: apply a message at most once, by message id. Call
 * inside the receiver's `transactionSync`, so the effect and the inbox row
 * commit together; a redelivery finds the row and gets the first answer.
 */

/** What `receiveOnce` returns: the (first) result, and whether this delivery was a repeat. */
export type Received<T> = { result: T; duplicate: boolean };

/**
 * Runs `apply` unless `messageId` was applied before, and records its result.
 *
 * @example
 * const { result, duplicate } = this.ctx.storage.transactionSync(() =>
 *   receiveOnce(sql, input.transferId, "transfer_credit", input.fromUserId, now, () => credit(input)));
 */
export function receiveOnce<T>(sql: SqlStorage, messageId: string, kind: string, sender: string, now: number, apply: () => T): Received<T> {
  const prior = sql.exec<{ result: string }>("SELECT result FROM inbox WHERE message_id = ?", messageId).toArray()[0];
  // The text is a T this object serialised itself below.
  if (prior) return { result: JSON.parse(prior.result) as T, duplicate: true };
  const result = apply();
  sql.exec("INSERT INTO inbox (message_id, kind, sender, result, received_at) VALUES (?, ?, ?, ?, ?)", messageId, kind, sender, JSON.stringify(result), now);
  return { result, duplicate: false };
}
