/**
 * Replays the ledger from zero and compares it with the wallet: the check
 * behind "the ledger replayed from zero equals the balance". Tests call it
 * after every storm; it reads only, so it is safe to run on a live wallet.
 */
import type { LedgerVerification } from "../../contract/wallet/results";
import type { WalletRow } from "./book";
import { pendingWithdrawalTotal } from "./withdraw";

type ReplayRow = { seq: number; type: string; amount: number; balance_after: number; held_delta: number; held_after: number };

/** The ledger replayed, row by row, against the stored wallet. */
export function verifyLedger(sql: SqlStorage): LedgerVerification {
  const wallet = sql.exec<WalletRow>("SELECT * FROM wallet WHERE id = 1").toArray()[0];
  const problems: string[] = [];
  let balance = 0;
  let held = 0;
  let income = 0;
  let expense = 0;
  let rows = 0;
  for (const row of sql.exec<ReplayRow>("SELECT seq, type, amount, balance_after, held_delta, held_after FROM ledger ORDER BY seq")) {
    rows += 1;
    balance += row.amount;
    held += row.held_delta;
    if (row.amount > 0) income += row.amount;
    else expense -= row.amount;
    if (row.balance_after !== balance) problems.push(`row ${row.seq} (${row.type}): balance_after ${row.balance_after}, replay ${balance}`);
    if (row.held_after !== held) problems.push(`row ${row.seq} (${row.type}): held_after ${row.held_after}, replay ${held}`);
    if (balance < 0) problems.push(`row ${row.seq} (${row.type}): balance went negative (${balance})`);
    if (held < 0 || held > balance) problems.push(`row ${row.seq} (${row.type}): held ${held} outside 0..${balance}`);
  }
  const stored = { balance: wallet?.balance ?? 0, held: wallet?.held ?? 0, income: wallet?.total_income ?? 0, expense: wallet?.total_expense ?? 0 };
  if (stored.balance !== balance) problems.push(`stored balance ${stored.balance}, replay ${balance}`);
  if (stored.held !== held) problems.push(`stored held ${stored.held}, replay ${held}`);
  if (stored.income !== income) problems.push(`stored total_income ${stored.income}, replay ${income}`);
  if (stored.expense !== expense) problems.push(`stored total_expense ${stored.expense}, replay ${expense}`);
  const pending = pendingWithdrawalTotal(sql);
  if (pending !== held) problems.push(`pending withdrawals hold ${pending}, held is ${held}`);
  return { ok: problems.length === 0, rows, balance: stored.balance, held: stored.held, replayed_balance: balance, replayed_held: held, problems };
}
