/**
 * Read models for the routes. Every query is bounded by an index or a small
 * table, so latency stays flat as the ledger grows (tests check the plans):
 * pages walk the ledger's primary key from the newest row, the row count is
 * max(seq) of the append-only ledger, and by-service/by-model figures come
 * from `usage_totals`, kept with each debit.
 */
import type { TransactionsPage } from "../../contract/quota/results";
import type { QuotaStatistics } from "../../contract/quota/views";
import { ledgerView, totalOf, type LedgerRow } from "./rows";
import type { UnitOfWork } from "./unit-of-work";

/** The ledger page query: newest first along the primary key. */
export const LEDGER_PAGE_SQL = "SELECT * FROM ledger ORDER BY seq DESC LIMIT ? OFFSET ?";
/** Row count of the append-only ledger without scanning it. */
export const LEDGER_COUNT_SQL = "SELECT coalesce(max(seq), 0) AS n FROM ledger";
/** Net usage by dimension. */
export const USAGE_SQL = "SELECT key, amount FROM usage_totals WHERE dimension = ?";

const DAY_MS = 86_400_000;

const percent = (used: number, total: number): number => (total > 0 ? Math.round((used / total) * 10_000) / 100 : 0);

/** A ledger page, newest first. */
export function transactionsPage(uow: UnitOfWork, limit: number, offset: number): TransactionsPage {
  const items = uow.sql.exec<LedgerRow>(LEDGER_PAGE_SQL, limit, offset).toArray().map((row) => ledgerView(row, uow.userId));
  const total = uow.sql.exec<{ n: number }>(LEDGER_COUNT_SQL).one().n;
  return { items, total, limit, offset };
}

type UsageDimension = "service" | "model" | "model_input_tokens" | "model_output_tokens";

function usageBy(uow: UnitOfWork, dimension: UsageDimension): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const row of uow.sql.exec<{ key: string; amount: number }>(USAGE_SQL, dimension)) totals[row.key] = row.amount;
  return totals;
}

/** Net credits by model with the tokens of its priced calls (models only ever charged by amount show 0 tokens). */
function usageByModel(uow: UnitOfWork, credits: Record<string, number>): QuotaStatistics["usageByModel"] {
  const input = usageBy(uow, "model_input_tokens");
  const output = usageBy(uow, "model_output_tokens");
  const byModel: QuotaStatistics["usageByModel"] = {};
  for (const model of new Set([...Object.keys(credits), ...Object.keys(input), ...Object.keys(output)])) {
    byModel[model] = { credits: credits[model] ?? 0, inputTokens: input[model] ?? 0, outputTokens: output[model] ?? 0 };
  }
  return byModel;
}

/** Statistics as documented on `QuotaStatisticsSchema`. */
export function statistics(uow: UnitOfWork): QuotaStatistics {
  const rows = uow.rows();
  const quotaByType = {} as QuotaStatistics["quotaByType"];
  let total = 0;
  let used = 0;
  let remaining = 0;
  let limited = 0;
  for (const row of rows) {
    const view = uow.view(row);
    const rowTotal = totalOf(row);
    quotaByType[row.quota_type] = {
      totalQuota: view.totalQuota,
      usedQuota: view.usedQuota,
      reservedQuota: view.reservedQuota,
      remainingQuota: view.remainingQuota,
      unlimited: view.unlimited,
      usagePercentage: rowTotal === null ? 0 : percent(row.used, rowTotal),
      status: view.status,
      level: view.level,
    };
    used += row.used;
    if (rowTotal === null) continue;
    limited += 1;
    total += rowTotal;
    remaining += view.remainingQuota;
  }
  const quotaByService = usageBy(uow, "service");
  const quotaByModel = usageBy(uow, "model");
  const net = Object.values(quotaByService).reduce((sum, amount) => sum + amount, 0);
  const since = Math.min(...rows.map((row) => row.created_at), uow.now);
  const days = Math.max(1, Math.ceil((uow.now - since) / DAY_MS));
  return {
    totalQuota: limited > 0 ? total : -1,
    usedQuota: used,
    remainingQuota: limited > 0 ? remaining : -1,
    usagePercentage: percent(rows.filter((row) => totalOf(row) !== null).reduce((sum, row) => sum + row.used, 0), total),
    totalTransactions: uow.sql.exec<{ n: number }>(LEDGER_COUNT_SQL).one().n,
    dailyAverage: Math.round((net / days) * 100) / 100,
    quotaByType,
    quotaByService,
    quotaByModel,
    usageByModel: usageByModel(uow, quotaByModel),
  };
}
