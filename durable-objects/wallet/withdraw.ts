/**
 * Withdrawals: the amount is held at request time (not deducted), then an
 * admin approves (the hold is paid out as a `withdraw` row) or rejects with a
 * reason (the hold is released). A withdrawal is reviewed once; every change
 * is sent through the outbox to the admins' index in D1.
 */
import type { z } from "zod";
import { formatYuan } from "../../contract/wallet/money";
import { walletFailure, type Page, type ReviewResult, type WalletFailure, type WithdrawResult } from "../../contract/wallet/results";
import type { ListWithdrawalsInputSchema, ReviewInputSchema, WithdrawInputSchema } from "../../contract/wallet/inputs";
import { withdrawalView, type PaymentMethod, type Withdrawal, type WithdrawalStatus } from "../../contract/wallet/views";
import { enqueue } from "../outbox/outbox";
import type { WalletBook } from "./book";
import { fingerprint, once } from "./idempotency";
import { debitCheck } from "./spend";
import { randomHex } from "./ids";

/** Outbox kind of an update to the admins' withdrawal index. */
export const WITHDRAWAL_INDEX = "withdrawal_index";

type WithdrawalRow = {
  seq: number;
  id: string;
  amount: number;
  account: string;
  method: PaymentMethod;
  status: WithdrawalStatus;
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: number | null;
  created_at: number;
};

/** What the index receives: the whole row, with a version so a late older update never overwrites a newer one. */
export type WithdrawalIndexPayload = Omit<WithdrawalRow, "seq"> & { user_id: string; version: number };

function view(book: WalletBook, row: WithdrawalRow): Withdrawal {
  return withdrawalView({ ...row, user_id: book.userId });
}

const withdrawalRow = (book: WalletBook, id: string) => book.sql.exec<WithdrawalRow>("SELECT * FROM withdrawals WHERE id = ?", id).toArray()[0] ?? null;

function index(book: WalletBook, row: WithdrawalRow): void {
  const version = row.status === "pending" ? 1 : 2;
  const { seq: _seq, ...fields } = row;
  const payload: WithdrawalIndexPayload = { ...fields, user_id: book.userId, version };
  enqueue(book.sql, { id: `${row.id}:${version}`, kind: WITHDRAWAL_INDEX, target: "d1", payload }, book.now);
}

/** Holds `amount` for a new withdrawal. Idempotent by key. */
export function requestWithdraw(book: WalletBook, args: z.output<typeof WithdrawInputSchema>, ttlSeconds: number): WithdrawResult | WalletFailure {
  return once(book.sql, "withdraw", args.idempotencyKey, fingerprint(args.amount, args.account, args.method), book.now, ttlSeconds, (key) => {
    if (args.amount < args.minimum) {
      return walletFailure("below_minimum", `the minimum withdrawal is ${formatYuan(args.minimum)}`, {
        amount: `must be at least ${formatYuan(args.minimum)}`,
      });
    }
    const refused = debitCheck(book, args.amount);
    if (refused) return refused;
    const id = `wd_${book.userId}_${randomHex()}`;
    book.sql.exec(
      "INSERT INTO withdrawals (id, amount, account, method, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
      id,
      args.amount,
      args.account,
      args.method,
      book.now,
    );
    const transaction = book.post({
      type: "withdraw_hold",
      amount: 0,
      heldDelta: args.amount,
      status: "pending",
      reference: id,
      idempotencyKey: key,
    });
    const row = withdrawalRow(book, id)!;
    index(book, row);
    return { withdrawal: view(book, row), transaction, ...book.balances(), replayed: false };
  });
}

/** Approves (pays out the hold) or rejects (releases it). A second review is a conflict, whatever it says. */
export function reviewWithdraw(book: WalletBook, args: z.output<typeof ReviewInputSchema>): ReviewResult | WalletFailure {
  const row = withdrawalRow(book, args.withdrawId);
  if (!row) return walletFailure("not_found", "no such withdrawal");
  if (row.status !== "pending") return walletFailure("conflict", `withdrawal already ${row.status}`, { withdraw_id: `already ${row.status}` });
  const transaction = args.approved
    ? book.post({ type: "withdraw", amount: -row.amount, heldDelta: -row.amount, status: "completed", reference: row.id, reason: args.reason })
    : book.post({ type: "withdraw_release", amount: 0, heldDelta: -row.amount, status: "completed", reference: row.id, reason: args.reason });
  const hold = book.byReference("withdraw_hold", row.id);
  if (hold) book.setStatus(hold.id, args.approved ? "approved" : "rejected");
  book.sql.exec(
    "UPDATE withdrawals SET status = ?, review_reason = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
    args.approved ? "approved" : "rejected",
    args.reason,
    args.reviewer,
    book.now,
    row.id,
  );
  const reviewed = withdrawalRow(book, row.id)!;
  index(book, reviewed);
  return { withdrawal: view(book, reviewed), transaction, ...book.balances() };
}

/** A page of this wallet's withdrawals, newest first; `total` counts every match. */
export function withdrawalsPage(book: WalletBook, args: z.output<typeof ListWithdrawalsInputSchema>): Page<Withdrawal> {
  const where = args.status === null ? "" : "WHERE status = ?";
  const bind = args.status === null ? [] : [args.status];
  const total = book.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM withdrawals ${where}`, ...bind).one().n;
  const rows = book.sql
    .exec<WithdrawalRow>(`SELECT * FROM withdrawals ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`, ...bind, args.limit, args.offset)
    .toArray();
  return { items: rows.map((row) => view(book, row)), total };
}

/** Money held by pending withdrawals (the ledger check compares it with the wallet's held amount). */
export function pendingWithdrawalTotal(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT coalesce(sum(amount), 0) AS n FROM withdrawals WHERE status = 'pending'").one().n;
}
