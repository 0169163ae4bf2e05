/**
 * The wallet's book for one operation, used inside `transactionSync`: the
 * wallet row (created on first touch), and `post`, the only way money moves,
 * which updates the row and appends the ledger row together and refuses any
 * movement that would break an invariant.
 */
import { projectBalance } from "./balance-projection";
import type { Balances, LedgerEntry, LedgerStatus, LedgerType, WalletView } from "../../contract/wallet/views";

/** The `wallet` row. */
export type WalletRow = {
  wallet_id: string;
  user_id: string;
  balance: number;
  held: number;
  frozen: number;
  frozen_reason: string | null;
  total_income: number;
  total_expense: number;
  created_at: number;
  updated_at: number;
};

/** A `ledger` row. */
export type LedgerRow = Omit<LedgerEntry, "user_id" | "created_at" | "related_user" | "description"> & { seq: number; type_seq: number; created_at: number };

/** One movement. `amount` changes the balance and `heldDelta` the held money; both signed. */
export type Posting = {
  type: LedgerType;
  amount: number;
  heldDelta?: number;
  status: LedgerStatus;
  relatedUserId?: string | null;
  reference?: string | null;
  reason?: string | null;
  idempotencyKey?: string | null;
};

/** Thrown when a posting would break an invariant; the transaction rolls back. Operations check first, so this means a bug. */
export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The book of one wallet for one transaction. */
export class WalletBook {
  /** When the balance report this transaction enqueued is due (the owner sets its alarm); null when none was added. */
  balanceReportDueAt: number | null = null;

  /** What `post` moved in this transaction, for the metrics recorded once it committed. */
  readonly posted: Posting[] = [];

  /** `balanceSyncDelayMs`: report balance changes to the admins' projection (omitted: no reports, as in unit tests of the book). */
  constructor(
    readonly sql: SqlStorage,
    readonly userId: string,
    readonly now: number,
    private readonly balanceSyncDelayMs?: number,
  ) {}

  /**
   * This transaction's copy of the wallet row: read once, kept current by the
   * book's own writes (`post`, `setFrozen`), the only writers of the row. A
   * consume asked for it four times (checks, posting, balances).
   */
  private row: WalletRow | undefined;

  /** The wallet row, created empty on first touch. */
  wallet(): WalletRow {
    if (this.row) return this.row;
    const row = this.sql.exec<WalletRow>("SELECT * FROM wallet WHERE id = 1").toArray()[0];
    if (row) return (this.row = row);
    this.sql.exec(
      "INSERT INTO wallet (id, wallet_id, user_id, created_at, updated_at) VALUES (1, ?, ?, ?, ?)",
      crypto.randomUUID(),
      this.userId,
      this.now,
      this.now,
    );
    return (this.row = this.sql.exec<WalletRow>("SELECT * FROM wallet WHERE id = 1").one());
  }

  /** Sets the admin freeze flag and its reason. */
  setFrozen(frozen: boolean, reason: string | null): void {
    this.sql.exec("UPDATE wallet SET frozen = ?, frozen_reason = ?, updated_at = ? WHERE id = 1", frozen ? 1 : 0, reason, this.now);
    this.row = { ...this.wallet(), frozen: frozen ? 1 : 0, frozen_reason: reason, updated_at: this.now };
  }

  /** Balance, held and available now. */
  balances(): Balances {
    const row = this.wallet();
    return { balance: row.balance, frozen_amount: row.held, available_amount: row.balance - row.held };
  }

  /** Money that can be spent: the balance minus what withdrawals hold. */
  available(): number {
    const row = this.wallet();
    return row.balance - row.held;
  }

  /**
   * Moves money: updates the wallet and appends the ledger row, refusing any
   * result with a negative balance, negative held money or held money above
   * the balance. Income and expense totals follow the sign of `amount`.
   */
  post(posting: Posting): LedgerEntry {
    const row = this.wallet();
    const heldDelta = posting.heldDelta ?? 0;
    const balance = row.balance + posting.amount;
    const held = row.held + heldDelta;
    if (!Number.isSafeInteger(balance) || balance < 0) throw new InvariantViolation(`${posting.type} would make the balance ${balance}`);
    if (held < 0 || held > balance) throw new InvariantViolation(`${posting.type} would make held ${held} of balance ${balance}`);
    const income = posting.amount > 0 ? posting.amount : 0;
    const expense = posting.amount < 0 ? -posting.amount : 0;
    this.sql.exec(
      "UPDATE wallet SET balance = ?, held = ?, total_income = total_income + ?, total_expense = total_expense + ?, updated_at = ? WHERE id = 1",
      balance,
      held,
      income,
      expense,
      this.now,
    );
    this.row = { ...row, balance, held, total_income: row.total_income + income, total_expense: row.total_expense + expense, updated_at: this.now };
    const id = crypto.randomUUID();
    // Both counters (this type's and '*', all rows) in one statement. RETURNING cursors must be read to the end, or the transaction cannot commit.
    const counts = this.sql
      .exec<{ type: string; n: number }>(
        "INSERT INTO ledger_counts (type, n) VALUES (?, 1), ('*', 1) ON CONFLICT (type) DO UPDATE SET n = n + 1 RETURNING type, n",
        posting.type,
      )
      .toArray();
    const typeSeq = counts.find((count) => count.type === posting.type)!.n;
    const entry: LedgerRow = {
      seq: 0,
      id,
      type: posting.type,
      type_seq: typeSeq,
      amount: posting.amount,
      balance_after: balance,
      held_delta: heldDelta,
      held_after: held,
      related_user_id: posting.relatedUserId ?? null,
      reference: posting.reference ?? null,
      reason: posting.reason ?? null,
      status: posting.status,
      idempotency_key: posting.idempotencyKey ?? null,
      created_at: this.now,
    };
    // The row is what was written; only its sequence number comes back, instead of reading the row again.
    entry.seq = this.sql.exec<{ seq: number }>(
      `INSERT INTO ledger (id, type, type_seq, amount, balance_after, held_delta, held_after, related_user_id, reference, reason, status, idempotency_key, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      entry.id,
      entry.type,
      entry.type_seq,
      entry.amount,
      entry.balance_after,
      entry.held_delta,
      entry.held_after,
      entry.related_user_id,
      entry.reference,
      entry.reason,
      entry.status,
      entry.idempotency_key,
      entry.created_at,
    ).toArray()[0]!.seq;
    this.posted.push(posting);
    if (this.balanceSyncDelayMs !== undefined) {
      const dueAt = projectBalance(this.sql, { user_id: this.userId, balance, held, version: entry.seq }, this.now, this.balanceSyncDelayMs);
      if (dueAt !== null) this.balanceReportDueAt = Math.min(dueAt, this.balanceReportDueAt ?? dueAt);
    }
    return this.entry(entry);
  }

  /** Moves a ledger row's status (the one mutable column); returns the updated entry. */
  setStatus(ledgerId: string, status: LedgerStatus): LedgerEntry | null {
    this.sql.exec("UPDATE ledger SET status = ? WHERE id = ?", status, ledgerId);
    const row = this.sql.exec<LedgerRow>("SELECT * FROM ledger WHERE id = ?", ledgerId).toArray()[0];
    return row ? this.entry(row) : null;
  }

  /** The ledger row of a given type for a reference (transfer, order, withdrawal or purchase id). */
  byReference(type: LedgerType, reference: string): LedgerEntry | null {
    const row = this.sql.exec<LedgerRow>("SELECT * FROM ledger WHERE reference = ? AND type = ? ORDER BY seq LIMIT 1", reference, type).toArray()[0];
    return row ? this.entry(row) : null;
  }

  /** A ledger row as clients see it. */
  entry(row: LedgerRow): LedgerEntry {
    return {
      id: row.id,
      user_id: this.userId,
      type: row.type,
      amount: row.amount,
      balance_after: row.balance_after,
      held_delta: row.held_delta,
      held_after: row.held_after,
      related_user_id: row.related_user_id,
      related_user: row.related_user_id,
      reference: row.reference,
      reason: row.reason,
      description: row.reason,
      status: row.status,
      idempotency_key: row.idempotency_key,
      created_at: iso(row.created_at),
    };
  }

  /** The wallet as clients see it. */
  view(): WalletView {
    const row = this.wallet();
    return {
      id: row.wallet_id,
      user_id: row.user_id,
      balance: row.balance,
      frozen_amount: row.held,
      available_amount: row.balance - row.held,
      frozen: row.frozen === 1,
      frozen_reason: row.frozen_reason,
      total_income: row.total_income,
      total_expense: row.total_expense,
      currency: "CNY",
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    };
  }
}
