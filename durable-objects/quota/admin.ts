/**
 * Operations that add tokens back or change the rules: recharge, restore,
 * set total, suspend and activate. Each writes a ledger row.
 *
 * - Recharge adds to this period's allowance for `daily`/`monthly` (it expires
 *   at the next reset) and permanently for `total`, and re-arms level events.
 * - Restore refunds a failed call, capped at what was used this period; it
 *   does not re-arm (a refund is not a top-up).
 * - Set total pins a type's total (it stops following the role's plan and
 *   drops this period's recharges) and re-arms level events.
 * - Suspension sticks: only `activate` clears it; resets and plan changes keep it.
 */
import type { z } from "@hono/zod-openapi";
import { QUOTA_LIMITS } from "../../contract/quota/defaults";
import type { QuotaFailure, RechargeResult, RestoreResult, SetTotalResult, SuspensionResult } from "../../contract/quota/results";
import type { RechargeInputSchema, RestoreInputSchema, SetTotalInputSchema, SuspensionInputSchema } from "../../contract/quota/inputs";
import { findRequest, replayOf, saveRequest } from "./idempotency";
import { balanceOf, totalOf } from "./rows";
import type { UnitOfWork } from "./unit-of-work";
import { conflict, invalid } from "./validation";

/** Validated inputs. */
export type RechargeArgs = z.output<typeof RechargeInputSchema>;
export type RestoreArgs = z.output<typeof RestoreInputSchema>;
export type SetTotalArgs = z.output<typeof SetTotalInputSchema>;
export type SuspensionArgs = z.output<typeof SuspensionInputSchema>;

/** Adds `amount` tokens. Idempotent by `requestId`. */
export function recharge(uow: UnitOfWork, args: RechargeArgs): RechargeResult | QuotaFailure {
  const fingerprint = JSON.stringify([args.quotaType, args.amount]);
  const prior = findRequest(uow.sql, "recharge", args.requestId, uow.now, uow.policy.retention.idempotencyTtlSeconds);
  if (prior) {
    if (prior.fingerprint === fingerprint) return replayOf<RechargeResult>(prior);
    return conflict("requestId already used for a different recharge", { requestId: "already used" });
  }
  const row = uow.row(args.quotaType);
  if ((totalOf(row) ?? 0) + args.amount > QUOTA_LIMITS.maxTotal) {
    return invalid("invalid parameters", { amount: `would take the total above ${QUOTA_LIMITS.maxTotal}` });
  }
  const before = balanceOf(row);
  row.bonus += args.amount;
  uow.save(row, { rearm: true });
  const transactionId = uow.ledger({
    quotaType: args.quotaType,
    amount: args.amount,
    type: "recharge",
    requestId: args.requestId,
    description: args.reason,
    before,
    after: balanceOf(row),
  });
  const result: RechargeResult = {
    requestId: args.requestId,
    quotaType: args.quotaType,
    amount: args.amount,
    transactionId,
    quota: uow.view(row),
    events: [...uow.events],
    replayed: false,
  };
  saveRequest(uow.sql, "recharge", args.requestId, fingerprint, result, uow.now);
  return result;
}

/** Refunds up to `amount` of this period's usage. Idempotent by `requestId`. */
export function restore(uow: UnitOfWork, args: RestoreArgs): RestoreResult | QuotaFailure {
  const fingerprint = JSON.stringify([args.quotaType, args.amount, args.service, args.model ?? null]);
  const prior = findRequest(uow.sql, "restore", args.requestId, uow.now, uow.policy.retention.idempotencyTtlSeconds);
  if (prior) {
    if (prior.fingerprint === fingerprint) return replayOf<RestoreResult>(prior);
    return conflict("requestId already used for a different restore", { requestId: "already used" });
  }
  const row = uow.row(args.quotaType);
  const restored = Math.min(args.amount, row.used);
  const before = balanceOf(row);
  row.used -= restored;
  uow.save(row);
  const transactionId = uow.ledger({
    quotaType: args.quotaType,
    amount: restored,
    type: "restore",
    service: args.service,
    model: args.model,
    requestId: args.requestId,
    description: restored < args.amount ? `${args.reason} (asked ${args.amount}, capped at usage)` : args.reason,
    before,
    after: balanceOf(row),
  });
  uow.usage(args.service, args.model, -restored);
  const result: RestoreResult = {
    requestId: args.requestId,
    quotaType: args.quotaType,
    amount: args.amount,
    restored,
    transactionId,
    quota: uow.view(row),
    events: [...uow.events],
    replayed: false,
  };
  saveRequest(uow.sql, "restore", args.requestId, fingerprint, result, uow.now);
  return result;
}

/** Pins a type's total. Setting the same total again changes nothing and writes no row. */
export function setTotal(uow: UnitOfWork, args: SetTotalArgs): SetTotalResult {
  const row = uow.row(args.quotaType);
  if (row.total_source === "admin" && row.base_total === args.totalQuota && row.bonus === 0) {
    return { quota: uow.view(row), events: [...uow.events] };
  }
  const before = balanceOf(row);
  row.base_total = args.totalQuota;
  row.bonus = 0;
  row.total_source = "admin";
  uow.save(row, { rearm: true });
  uow.ledger({
    quotaType: args.quotaType,
    amount: args.totalQuota,
    type: "admin_set",
    description: args.reason ?? `total set to ${args.totalQuota}`,
    before,
    after: balanceOf(row),
  });
  return { quota: uow.view(row), events: [...uow.events] };
}

/** Suspends (or activates) one type or all; a row already in that state is left alone. */
export function setSuspended(uow: UnitOfWork, args: SuspensionArgs, suspended: boolean): SuspensionResult {
  const rows = args.quotaType ? [uow.row(args.quotaType)] : uow.rows();
  for (const row of rows) {
    if (Boolean(row.suspended) === suspended) continue;
    row.suspended = suspended ? 1 : 0;
    uow.save(row);
    const balance = balanceOf(row);
    const action = suspended ? "suspended" : "activated";
    uow.ledger({
      quotaType: row.quota_type,
      amount: 0,
      type: "admin_set",
      description: args.reason ? `${action}: ${args.reason}` : action,
      before: balance,
      after: balance,
    });
  }
  return { quotas: rows.map((row) => uow.view(row)) };
}
