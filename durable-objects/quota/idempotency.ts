/**
 * Idempotency records: the first result for a `(kind, requestId)` is stored in
 * the same transaction as its effect, and replays get it back verbatim. Since
 * the object runs one synchronous transaction at a time, concurrent replays
 * simply find the record the first one wrote.
 */

/** Operations keyed by a caller's id (reservation ids key commit and release). */
export type IdempotencyKind = "consume" | "reserve" | "recharge" | "restore" | "commit" | "release";

/** A stored first result. */
export type StoredRequest = { fingerprint: string; result: string };

/**
 * The stored result for a key, ignoring records older than `ttlSeconds`
 * (the alarm prunes them; until it does, they must not count).
 */
export function findRequest(sql: SqlStorage, kind: IdempotencyKind, requestId: string, now: number, ttlSeconds: number): StoredRequest | null {
  const row = sql
    .exec<StoredRequest>(
      "SELECT fingerprint, result FROM requests WHERE kind = ? AND request_id = ? AND created_at > ?",
      kind,
      requestId,
      now - ttlSeconds * 1000,
    )
    .toArray()[0];
  return row ?? null;
}

/** Stores the first result for a key (replacing an expired record with the same key). */
export function saveRequest(sql: SqlStorage, kind: IdempotencyKind, requestId: string, fingerprint: string, result: object, now: number): void {
  sql.exec(
    "INSERT OR REPLACE INTO requests (kind, request_id, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)",
    kind,
    requestId,
    fingerprint,
    JSON.stringify(result),
    now,
  );
}

/** The stored result, marked as a replay. */
export function replayOf<T extends { replayed: boolean }>(stored: StoredRequest): T {
  // The text is a T this object serialised itself in saveRequest.
  const original = JSON.parse(stored.result) as T;
  return { ...original, replayed: true };
}
