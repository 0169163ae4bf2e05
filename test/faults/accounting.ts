/**
 * What the stack holds after a fault, read through the public API, and what it
 * must hold given the operations the clients saw accepted. Every expected
 * figure comes from the clients' own record, never from the server.
 */
import { waitFor } from "../../dev/net.ts";
import type { Envelope } from "../support/http.ts";
import { accepted, type Operation, type Target } from "./operations.ts";

type QuotaRow = { type: string; requestId: string | null; amount: number; quotaType: string; timestamp: string };
type WalletRow = { type: string; amount: number; reference: string | null; idempotency_key: string | null };
type Verify = { ledger: { ok: boolean; balance: number; held: number; problems: string[] }; in_flight: { messages: number } };

async function get<T>(target: Target, path: string, token: string): Promise<T> {
  const response = await fetch(`${target.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Envelope<T>;
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** Every row of a paged list (100 per page). */
async function allPages<T>(target: Target, path: (page: number) => string, token: string): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; ; page++) {
    const batch = await get<T[]>(target, path(page), token);
    rows.push(...batch);
    if (batch.length < 100) return rows;
  }
}

/** One user's quota and wallet as the API reports them. */
export interface UserState {
  daily: { usedQuota: number; reservedQuota: number };
  totalQuota: number;
  quotaLedger: QuotaRow[];
  balance: number;
  held: number;
  walletLedger: WalletRow[];
}

export async function readUser(target: Target, index: number): Promise<UserState> {
  const token = target.users[index]!.pair.token;
  const daily = await get<{ usedQuota: number; reservedQuota: number }>(target, "/api/v1/ai/quota?type=daily", token);
  const total = await get<{ totalQuota: number }>(target, "/api/v1/ai/quota?type=total", token);
  const detail = await get<{ balance: number; frozen_amount: number }>(target, "/api/v1/finance/wallet/detail", token);
  return {
    daily: { usedQuota: daily.usedQuota, reservedQuota: daily.reservedQuota },
    totalQuota: total.totalQuota,
    quotaLedger: await allPages<QuotaRow>(target, (page) => `/api/v1/ai/quota/transactions?page=${page}&page_size=100`, token),
    balance: detail.balance,
    held: detail.frozen_amount,
    walletLedger: await allPages<WalletRow>(target, (page) => `/api/v1/finance/wallet/transactions?page=${page}&page_size=100`, token),
  };
}

/** Waits until no wallet owes a delivery (transfers and quota purchases), then returns each wallet's verification. */
export async function settledWallets(target: Target, adminToken: string, timeoutMs = 30_000): Promise<Verify[]> {
  let reports: Verify[] = [];
  await waitFor(
    async () => {
      reports = await Promise.all(target.users.map((user) => get<Verify>(target, `/api/v1/admin/wallet/${user.pair.user.id}/verify`, adminToken)));
      return reports.every((report) => report.in_flight.messages === 0);
    },
    { timeoutMs, intervalMs: 250, what: "every outbox delivery to be acknowledged" },
  );
  return reports;
}

const sum = (operations: Operation[], predicate: (operation: Operation) => boolean) =>
  operations.filter((operation) => accepted(operation) && predicate(operation)).reduce((total, operation) => total + operation.amount, 0);

/** What user `index` must hold, from the accepted operations alone. */
export function expectedFor(index: number, operations: Operation[], funded: number, baseline: { totalQuota: number }, tokensPerFen: number) {
  const mine = (kind: Operation["kind"]) => (operation: Operation) => operation.kind === kind && operation.from === index;
  return {
    usedQuota: sum(operations, mine("quota-consume")),
    reservedQuota: sum(operations, mine("quota-reserve")),
    totalQuota: baseline.totalQuota + sum(operations, mine("quota-purchase")) * tokensPerFen,
    balance:
      funded -
      sum(operations, mine("wallet-consume")) -
      sum(operations, mine("quota-purchase")) -
      sum(operations, mine("wallet-transfer")) +
      sum(operations, (operation) => operation.kind === "wallet-transfer" && operation.to === index),
  };
}

/** Keys of ledger rows that occur more than once (a double charge), and accepted keys with no row (a lost operation). */
export function ledgerMismatches(
  rows: Array<{ key: string | null }>,
  acceptedKeys: string[],
): { duplicated: string[]; missing: string[]; unexpected: string[] } {
  const counts = new Map<string, number>();
  for (const row of rows) if (row.key !== null) counts.set(row.key, (counts.get(row.key) ?? 0) + 1);
  const wanted = new Set(acceptedKeys);
  return {
    duplicated: [...counts].filter(([, count]) => count > 1).map(([key]) => key),
    missing: acceptedKeys.filter((key) => !counts.has(key)),
    unexpected: [...counts.keys()].filter((key) => !wanted.has(key)),
  };
}

/** The quota and wallet ledger checks for one user: each accepted key exactly once, nothing else. */
export function userLedgerMismatches(state: UserState, index: number, operations: Operation[]) {
  const keys = (kind: Operation["kind"]) =>
    operations.filter((operation) => accepted(operation) && operation.kind === kind && operation.from === index).map((operation) => operation.key);
  return {
    quotaConsume: ledgerMismatches(
      state.quotaLedger.filter((row) => row.type === "consume").map((row) => ({ key: row.requestId })),
      keys("quota-consume"),
    ),
    quotaReserve: ledgerMismatches(
      state.quotaLedger.filter((row) => row.type === "reserve").map((row) => ({ key: row.requestId })),
      keys("quota-reserve"),
    ),
    walletConsume: ledgerMismatches(
      state.walletLedger.filter((row) => row.type === "consume").map((row) => ({ key: row.idempotency_key })),
      keys("wallet-consume"),
    ),
    walletTransfer: ledgerMismatches(
      state.walletLedger.filter((row) => row.type === "transfer_out").map((row) => ({ key: row.idempotency_key })),
      keys("wallet-transfer"),
    ),
    quotaPurchase: ledgerMismatches(
      state.walletLedger.filter((row) => row.type === "quota_purchase").map((row) => ({ key: row.idempotency_key })),
      keys("quota-purchase"),
    ),
  };
}

export const NO_MISMATCH = { duplicated: [], missing: [], unexpected: [] };
