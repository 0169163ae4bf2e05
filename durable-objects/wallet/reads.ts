/** Read-side queries and the admin freeze flag. */
import type { z } from "zod";
import type { FreezeResult, InFlight, Page } from "../../contract/wallet/results";
import type { FreezeInputSchema, ListTransactionsInputSchema } from "../../contract/wallet/inputs";
import type { LedgerEntry } from "../../contract/wallet/views";
import { pendingByKind } from "../outbox/outbox";
import type { LedgerRow, WalletBook } from "./book";

/**
 * A ledger page, newest first. The total comes from `ledger_counts`; since
 * `seq` (all rows) and `type_seq` (one type) number rows densely from 1, the
 * page at `offset` is the range ending at `total - offset`: an index range
 * lookup, never an OFFSET scan, so the last page of 10,000 rows costs what
 * the first does.
 */
export function transactionsPage(book: WalletBook, args: z.output<typeof ListTransactionsInputSchema>): Page<LedgerEntry> {
  if (args.direction !== null) return directionPage(book, args);
  const total = book.sql.exec<{ n: number }>("SELECT n FROM ledger_counts WHERE type = ?", args.type ?? "*").toArray()[0]?.n ?? 0;
  const upTo = total - args.offset;
  if (upTo <= 0) return { items: [], total };
  const rows =
    args.type === null
      ? book.sql.exec<LedgerRow>("SELECT * FROM ledger WHERE seq <= ? ORDER BY seq DESC LIMIT ?", upTo, args.limit).toArray()
      : book.sql.exec<LedgerRow>("SELECT * FROM ledger WHERE type = ? AND type_seq <= ? ORDER BY type_seq DESC LIMIT ?", args.type, upTo, args.limit).toArray();
  return { items: rows.map((row) => book.entry(row)), total };
}

/**
 * Money in or out (the sign of `amount`), optionally one type. Unlike the
 * dense per-type numbering above this counts and skips rows, which is fine
 * for one user's ledger; the client asks for it from one history tab.
 */
function directionPage(book: WalletBook, args: z.output<typeof ListTransactionsInputSchema>): Page<LedgerEntry> {
  const sign = args.direction === "income" ? "amount > 0" : "amount < 0";
  const typeClause = args.type === null ? "" : " AND type = ?";
  const typeArgs = args.type === null ? [] : [args.type];
  const total = book.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ledger WHERE ${sign}${typeClause}`, ...typeArgs).one().n;
  const rows = book.sql
    .exec<LedgerRow>(`SELECT * FROM ledger WHERE ${sign}${typeClause} ORDER BY seq DESC LIMIT ? OFFSET ?`, ...typeArgs, args.limit, args.offset)
    .toArray();
  return { items: rows.map((row) => book.entry(row)), total };
}

/** Freezes or unfreezes; setting the state it already has changes nothing. */
export function setFrozen(book: WalletBook, args: z.output<typeof FreezeInputSchema>): FreezeResult {
  const current = book.wallet().frozen === 1;
  if (current === args.frozen) return { wallet: book.view(), changed: false };
  book.setFrozen(args.frozen, args.frozen ? args.reason : null);
  return { wallet: book.view(), changed: true };
}

/**
 * Money this wallet has debited whose delivery is not acknowledged yet, and
 * the messages still owed. Balance reports to the admins' projection are not
 * counted: they carry no money and are merged, not queued.
 */
export function inFlight(sql: SqlStorage, kinds: { transfer: string; quota: string; balanceReport: string }): InFlight {
  const pending = pendingByKind(sql);
  let messages = 0;
  for (const [kind, entry] of pending) if (kind !== kinds.balanceReport) messages += entry.messages;
  return { transfers: pending.get(kinds.transfer)?.amount ?? 0, quota_purchases: pending.get(kinds.quota)?.amount ?? 0, messages };
}
