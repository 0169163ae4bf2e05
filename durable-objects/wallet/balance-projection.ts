/**
 * The admins' projection of every wallet's balance and held money: a D1 table
 * (`wallet_balances`, one row per wallet) that each Wallet object keeps current
 * through its outbox, as it does the withdrawal index. Statistics sum it
 * instead of asking every wallet.
 *
 * Changes within `WALLET_BALANCE_SYNC_DELAY_MS` share one message: while the
 * pending message has not been picked up for sending (`attempts = 0`; a
 * delivery counts its attempt in the same synchronous step that reads the
 * payload), later changes rewrite its payload instead of adding a message.
 * Once a send has begun, the next change starts a new message; D1 keeps the
 * highest `version` (the ledger sequence), so a late older send never wins.
 */
import { enqueue } from "../outbox/outbox";

/** Outbox kind of a balance report. */
export const WALLET_BALANCE = "wallet_balance";

/** What the projection receives. */
export type WalletBalancePayload = { user_id: string; balance: number; held: number; version: number };

/** The meta key naming the message that may still absorb changes. */
const OPEN_MESSAGE_KEY = "balance_projection_message";

/** Upserts one wallet's row; an older version never overwrites a newer one. */
export const UPSERT_WALLET_BALANCE = `
  INSERT INTO wallet_balances (user_id, balance, held, version, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance, held = excluded.held, version = excluded.version, updated_at = excluded.updated_at
  WHERE excluded.version > wallet_balances.version`;

/**
 * Reports the wallet's new balance (inside the transaction that changed it).
 * Returns when the new message is due, or null when an open message took the change.
 */
export function projectBalance(sql: SqlStorage, payload: WalletBalancePayload, now: number, delayMs: number): number | null {
  const text = JSON.stringify(payload);
  const open = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", OPEN_MESSAGE_KEY).toArray()[0]?.value;
  if (open !== undefined) {
    const merged = sql.exec("UPDATE outbox SET payload = ? WHERE id = ? AND status = 'pending' AND attempts = 0", text, open).rowsWritten;
    if (merged > 0) return null;
  }
  const id = `${WALLET_BALANCE}:${payload.version}`;
  const dueAt = now + delayMs;
  enqueue(sql, { id, kind: WALLET_BALANCE, target: "d1", payload }, now, dueAt);
  sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", OPEN_MESSAGE_KEY, id);
  return dueAt;
}

/**
 * Migration step: wallets that existed before the projection report their
 * balance once (due at once; the constructor's alarm check picks it up).
 */
export const BACKFILL_BALANCE_PROJECTION = `
  INSERT INTO outbox (id, kind, target, payload, amount, status, attempts, next_attempt_at, created_at)
  SELECT '${WALLET_BALANCE}:backfill', '${WALLET_BALANCE}', 'd1',
    json_object('user_id', user_id, 'balance', balance, 'held', held, 'version', (SELECT coalesce(max(seq), 0) FROM ledger)),
    0, 'pending', 0, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM wallet WHERE id = 1;
`;
