/**
 * `consume`: the hot path. One synchronous pass inside the caller's
 * transaction: idempotency lookup, check, debit, level events, ledger row,
 * usage totals, idempotency record. No awaits, so no other request can
 * interleave between the check and the debit.
 */
import type { ConsumeResult, QuotaFailure, QuotaOutcome } from "../../contract/quota/results";
import type { ConsumeInputSchema } from "../../contract/quota/inputs";
import type { z } from "@hono/zod-openapi";
import { chargeKey, chargeOf, publicCharge, type ChargeRequest } from "./charges";
import { findRequest, replayOf, saveRequest } from "./idempotency";
import { balanceOf, remainingOf, type QuotaRow } from "./rows";
import type { UnitOfWork } from "./unit-of-work";

/** A validated consume input. */
export type ConsumeArgs = z.output<typeof ConsumeInputSchema>;

/**
 * Whether `amount` may be taken from `row` now. Suspension wins; `exhausted`
 * means nothing remains at all, `insufficient` that less than `amount` does.
 */
export function decide(row: QuotaRow, amount: number): QuotaOutcome {
  if (row.suspended) return "suspended";
  const remaining = remainingOf(row);
  if (remaining === null) return "ok";
  if (remaining === 0) return "exhausted";
  return amount > remaining ? "insufficient" : "ok";
}

/** The parameters a replay must repeat to count as the same request (a plain amount keeps its earlier form). */
export function fingerprintOf(quotaType: string, request: ChargeRequest, service: string, model: string | undefined): string {
  return JSON.stringify([quotaType, chargeKey(request), service, model ?? null]);
}

/**
 * Atomic check-and-debit, idempotent by `requestId`. The replay lookup comes before pricing, so a replay
 * returns the first call's charge at the first call's price version whatever the table says now.
 */
export function consume(uow: UnitOfWork, args: ConsumeArgs): ConsumeResult | QuotaFailure {
  const fingerprint = fingerprintOf(args.quotaType, args, args.service, args.model);
  const prior = findRequest(uow.sql, "consume", args.requestId, uow.now, uow.policy.retention.idempotencyTtlSeconds);
  const row = uow.row(args.quotaType);
  if (prior) {
    if (prior.fingerprint === fingerprint) return replayOf<ConsumeResult>(prior);
    // Same key, different request: refuse rather than guess which one the caller meant.
    return {
      outcome: "duplicate",
      requestId: args.requestId,
      quotaType: args.quotaType,
      amount: args.amount ?? 0,
      charged: 0,
      transactionId: null,
      priced: null,
      quota: uow.view(row),
      events: [...uow.events],
      replayed: false,
    };
  }
  const charge = chargeOf(uow.policy.pricing, args);
  if ("error" in charge) return charge;
  const amount = charge.credits;
  const outcome = decide(row, amount);
  let transactionId: string | null = null;
  if (outcome === "ok") {
    const before = balanceOf(row);
    row.used += amount;
    uow.burn(row, amount);
    uow.save(row);
    transactionId = uow.ledger({
      quotaType: args.quotaType,
      amount,
      type: "consume",
      service: args.service,
      model: args.model,
      requestId: args.requestId,
      description: args.description,
      before,
      after: balanceOf(row),
      priced: charge.priced,
    });
    uow.usage(args.service, args.model, amount, charge.priced);
  }
  const result: ConsumeResult = {
    outcome,
    requestId: args.requestId,
    quotaType: args.quotaType,
    amount,
    charged: outcome === "ok" ? amount : 0,
    transactionId,
    priced: publicCharge(charge.priced),
    quota: uow.view(row),
    events: [...uow.events],
    replayed: false,
  };
  // Declines are stored too: a replay must get the original decision, not a new one.
  saveRequest(uow.sql, "consume", args.requestId, fingerprint, result, uow.now);
  return result;
}
