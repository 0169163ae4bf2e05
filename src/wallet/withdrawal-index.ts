/**
 * The admins' view of withdrawals across every wallet: a D1 table the Wallet
 * objects keep current through their outbox (each change arrives within a
 * delivery; a wallet's own list is always exact). Queries are parameterised.
 */
import { withdrawalView, type StoredWithdrawal, type Withdrawal, type WithdrawalStatus } from "../../contract/wallet/views";
import { measuredCall } from "../lib/dependency";

/** Filters of the admin listing and statistics. Times are epoch ms, inclusive. */
export type WithdrawalFilter = { status?: WithdrawalStatus; userId?: string; from?: number; to?: number };

function where(filter: WithdrawalFilter, withStatus = true): { sql: string; values: Array<string | number> } {
  const clauses: string[] = [];
  const values: Array<string | number> = [];
  const add = (clause: string, value: string | number | undefined) => {
    if (value === undefined) return;
    clauses.push(clause);
    values.push(value);
  };
  if (withStatus) add("status = ?", filter.status);
  add("user_id = ?", filter.userId);
  add("created_at >= ?", filter.from);
  add("created_at <= ?", filter.to);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", values };
}

/** Per-status counts and sums. */
export type WithdrawalStats = {
  by_status: Record<WithdrawalStatus, { count: number; amount: number }>;
  total: { count: number; amount: number };
};

/** Admin queries over `wallet_withdrawals`. */
export function createWithdrawalIndex(db: D1Database) {
  return {
    /** Newest first; `total` is the real count for the filter. */
    async list(filter: WithdrawalFilter, page: { limit: number; offset: number }): Promise<{ items: Withdrawal[]; total: number }> {
      const { sql, values } = where(filter);
      const [count, rows] = await measuredCall("d1", "withdrawals.list", () =>
        db.batch([
          db.prepare(`SELECT count(*) AS n FROM wallet_withdrawals ${sql}`).bind(...values),
          db.prepare(`SELECT * FROM wallet_withdrawals ${sql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`).bind(...values, page.limit, page.offset),
        ]),
      );
      const total = (count?.results[0] as { n: number } | undefined)?.n ?? 0;
      const items = ((rows?.results ?? []) as StoredWithdrawal[]).map(withdrawalView);
      return { items, total };
    },

    /** Counts and amounts per status (the status filter does not apply: every status is reported). */
    async stats(filter: WithdrawalFilter): Promise<WithdrawalStats> {
      const { sql, values } = where(filter, false);
      const rows = await measuredCall("d1", "withdrawals.stats", () =>
        db
          .prepare(`SELECT status, count(*) AS n, coalesce(sum(amount), 0) AS amount FROM wallet_withdrawals ${sql} GROUP BY status`)
          .bind(...values)
          .all<{ status: WithdrawalStatus; n: number; amount: number }>(),
      );
      const stats: WithdrawalStats = {
        by_status: { pending: { count: 0, amount: 0 }, approved: { count: 0, amount: 0 }, rejected: { count: 0, amount: 0 } },
        total: { count: 0, amount: 0 },
      };
      for (const row of rows.results) {
        stats.by_status[row.status] = { count: row.n, amount: row.amount };
        stats.total.count += row.n;
        stats.total.amount += row.amount;
      }
      return stats;
    },
  };
}
