/**
 * Idempotency-Key records. The first successful result for `(kind, key)` is
 * stored in the same transaction as its effect; a replay with the same
 * parameters gets it back verbatim (`replayed: true`) and moves no money, and
 * the same key with different parameters is a conflict. Failures are not
 * stored: they moved nothing, so a retry is simply evaluated again.
 */
import { isWalletFailure, walletFailure, type WalletFailure } from "../../contract/wallet/results";

/** Money-moving operations keyed by the caller's Idempotency-Key. */
export type RequestKind = "consume" | "recharge" | "transfer" | "withdraw" | "quota_purchase";

/** The canonical text two requests must share to be "the same request". */
export const fingerprint = (...parts: unknown[]): string => JSON.stringify(parts);

/**
 * Runs `operation` once per key: a live record (younger than `ttlSeconds`)
 * answers instead. Without a key (null) the request cannot be repeated, so
 * it simply runs: no lookup, no record. Call inside `transactionSync`.
 */
export function once<T extends { replayed: boolean }>(
  sql: SqlStorage,
  kind: RequestKind,
  key: string | null,
  print: string,
  now: number,
  ttlSeconds: number,
  operation: (ledgerKey: string) => T | WalletFailure,
): T | WalletFailure {
  // The ledger row still names a key: a minted one, which no caller knows and so can never repeat.
  if (key === null) return operation(`auto-${crypto.randomUUID()}`);
  const prior = sql
    .exec<{ fingerprint: string; result: string }>(
      "SELECT fingerprint, result FROM requests WHERE kind = ? AND key = ? AND created_at > ?",
      kind,
      key,
      now - ttlSeconds * 1000,
    )
    .toArray()[0];
  if (prior) {
    if (prior.fingerprint !== print)
      return walletFailure("conflict", "Idempotency-Key already used for a different request", { idempotency_key: "already used" });
    // The text is a T this object serialised itself below.
    return { ...(JSON.parse(prior.result) as T), replayed: true };
  }
  const result = operation(key);
  if (isWalletFailure(result)) return result;
  sql.exec(
    "INSERT OR REPLACE INTO requests (kind, key, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)",
    kind,
    key,
    print,
    JSON.stringify(result),
    now,
  );
  return result;
}

/** Drops records past their lifetime (run from the alarm). */
export function pruneRequests(sql: SqlStorage, now: number, ttlSeconds: number): void {
  sql.exec("DELETE FROM requests WHERE created_at <= ?", now - ttlSeconds * 1000);
}
