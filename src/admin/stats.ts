/**
 * The admin console's statistics, computed from the stored data: accounts from
 * the user store, quota from the D1 aggregate the quota routes keep
 * (quota-activity.ts), withdrawals from the wallet's D1 index, balances from
 * the wallets' D1 balance projection. "Today" is the
 * local day in the runtime config's quota time zone (Asia/Shanghai by default),
 * the same day quota resets follow.
 */
import { z } from "@hono/zod-openapi";
import { periodStart } from "../../contract/quota/calendar";
import type { QuotaLevel } from "../../contract/quota/inputs";
import { ROLES, type Role, type UserStatus, type UserStore } from "../users/user-store";
import { walletBalanceTotals } from "../wallet/balance-totals";
import { createWithdrawalIndex } from "../wallet/withdrawal-index";
import { quotaActivitySummary } from "./quota-activity";

const DAY_MS = 86_400_000;
/** "Active" means logged in within this many days (last_login_at; token refreshes do not count). */
const ACTIVE_WINDOW_DAYS = 7;
const STATUSES: readonly UserStatus[] = ["active", "banned", "disabled"];

const count = z.number().int();
const byLevel = z.object({ ok: count, warning: count, critical: count, exhausted: count });
const amount = z.object({ count, amountFen: count });

export const AdminStatsSchema = z
  .object({
    generatedAt: z.iso.datetime().openapi({ description: "When these numbers were computed (they are reused for CACHE_STATS_TTL_SECONDS)" }),
    timeZone: z.string().openapi({ example: "Asia/Shanghai" }),
    dayStart: z.iso.datetime().openapi({ description: "Start of today in timeZone" }),
    users: z.object({
      total: count,
      activeLast7Days: count.openapi({ description: "Logged in within 7 days" }),
      newToday: count,
      byStatus: z.object({ active: count, banned: count, disabled: count }).openapi({ description: "Effective status (an expired ban is active)" }),
      byRole: z.record(z.string(), count),
    }),
    quota: z.object({
      tokensConsumedToday: count,
      usersChargedToday: count,
      usersByLevel: byLevel.openapi({ description: "Daily quota level; users without a charge since their last reset are ok" }),
      suspendedUsers: count,
    }),
    wallet: z.object({
      wallets: count.openapi({ description: "Wallets that have ever moved money" }),
      balancesFen: count.openapi({ description: "Sum of every wallet's balance (held money included)" }),
      heldFen: count.openapi({ description: "Money held in wallets by pending withdrawals (the only holds wallets place)" }),
      availableFen: count.openapi({ description: "balancesFen minus heldFen" }),
      pendingWithdrawals: amount,
      approvedWithdrawals: amount,
      rejectedWithdrawals: amount,
    }),
  })
  .openapi("AdminStats");

export type AdminStats = z.infer<typeof AdminStatsSchema>;

/** Computes every number from the stores. */
export async function computeAdminStats(deps: { users: UserStore; db: D1Database; timeZone: string }, now = Date.now()): Promise<AdminStats> {
  const { users, db, timeZone } = deps;
  const dayStart = periodStart("daily", now, timeZone);
  const [total, activeLast7Days, newToday, statusCounts, roleCounts, withdrawals, balances] = await Promise.all([
    users.count({}, now),
    users.count({ lastLoginFrom: now - ACTIVE_WINDOW_DAYS * DAY_MS }, now),
    users.count({ createdFrom: dayStart }, now),
    Promise.all(STATUSES.map((status) => users.count({ status }, now))),
    Promise.all(ROLES.map((role) => users.count({ role }, now))),
    createWithdrawalIndex(db).stats({}),
    walletBalanceTotals(db),
  ]);
  const quota = await quotaActivitySummary(db, dayStart, total, now);
  const byStatus = Object.fromEntries(STATUSES.map((status, index) => [status, statusCounts[index] ?? 0])) as Record<UserStatus, number>;
  const byRole = Object.fromEntries(ROLES.map((role, index) => [role, roleCounts[index] ?? 0])) as Record<Role, number>;
  const pending = withdrawals.by_status.pending;
  return {
    generatedAt: new Date(now).toISOString(),
    timeZone,
    dayStart: new Date(dayStart).toISOString(),
    users: { total, activeLast7Days, newToday, byStatus, byRole },
    quota: { ...quota, usersByLevel: quota.usersByLevel satisfies Record<QuotaLevel, number> },
    wallet: {
      wallets: balances.wallets,
      balancesFen: balances.balanceFen,
      heldFen: balances.heldFen,
      availableFen: balances.balanceFen - balances.heldFen,
      pendingWithdrawals: { count: pending.count, amountFen: pending.amount },
      approvedWithdrawals: { count: withdrawals.by_status.approved.count, amountFen: withdrawals.by_status.approved.amount },
      rejectedWithdrawals: { count: withdrawals.by_status.rejected.count, amountFen: withdrawals.by_status.rejected.amount },
    },
  };
}
