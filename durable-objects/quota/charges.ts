/**
 * What a consume, reserve or commit charges: `amount` credits as given, or a priced call's tokens turned
 * into credits by the policy's price table (contract/quota/pricing.ts). Pure: no storage, so the hot path pays
 * only the arithmetic; the ledger row and the reservation keep what is needed to explain the charge.
 */
import { QUOTA_LIMITS } from "../../contract/quota/defaults";
import { creditsFor, priceFor, type ModelPrice, type PolicyPricing } from "../../contract/quota/pricing";
import type { QuotaFailure } from "../../contract/quota/results";
import type { PricedCharge } from "../../contract/quota/views";
import type { ReservationRow } from "./rows";
import { invalid, unknownModel } from "./validation";

/** A priced call: the charge clients see plus the price it used (kept on a reservation for its commit). */
export type PricedCall = PricedCharge & { price: ModelPrice };

/** Credits to charge, and the priced call behind them (null for a plain `amount`). */
export type Charge = { credits: number; priced: PricedCall | null };

/** Either form of a charge request, as the input schemas validated it (exactly one form is set). */
export type ChargeRequest = { amount?: number; model?: string; inputTokens?: number; outputTokens?: number };

/** The credits for a priced call at `price`; refused when they exceed what one request may move. */
export function pricedCall(model: string, price: ModelPrice, priceVersion: string, inputTokens: number, outputTokens: number): PricedCall | QuotaFailure {
  const credits = creditsFor(price, inputTokens, outputTokens);
  if (credits > QUOTA_LIMITS.maxAmount) return invalid("invalid parameters", { inputTokens: `the call costs ${credits} credits, more than ${QUOTA_LIMITS.maxAmount}` });
  return { model, inputTokens, outputTokens, priceVersion, credits, price };
}

/** The charge for a consume or reserve under the current price table. */
export function chargeOf(pricing: PolicyPricing, request: ChargeRequest): Charge | QuotaFailure {
  if (request.amount !== undefined) return { credits: request.amount, priced: null };
  // The schema requires model and both token counts when amount is absent.
  const model = request.model!;
  const price = priceFor(pricing, model);
  if (!price) return unknownModel(model);
  const priced = pricedCall(model, price, pricing.version, request.inputTokens!, request.outputTokens!);
  return "error" in priced ? priced : { credits: priced.credits, priced };
}

/** What clients see of a priced call (the price itself stays inside the object). */
export function publicCharge(priced: PricedCall | null): PricedCharge | null {
  if (!priced) return null;
  const { price: _price, ...visible } = priced;
  return visible;
}

/** The parameters a replay must repeat: the amount, or the model and tokens (never the price, which may have changed since). */
export function chargeKey(request: ChargeRequest): unknown {
  return request.amount !== undefined ? request.amount : ["priced", request.model ?? null, request.inputTokens ?? null, request.outputTokens ?? null];
}

/** What a commit charges: `actual` credits, or its tokens at the price the reservation kept. */
export function commitCharge(reservation: ReservationRow, args: ChargeRequest & { actual?: number }): Charge | QuotaFailure {
  if (args.actual !== undefined) return { credits: args.actual, priced: null };
  if (reservation.price_version === null || reservation.model === null) {
    return invalid("invalid parameters", { inputTokens: "the reservation holds an amount: commit it with actual" });
  }
  if (args.model !== undefined && args.model !== reservation.model) return invalid("invalid parameters", { model: `must be the reservation's model (${reservation.model})` });
  const price = { input: reservation.input_price ?? 0, output: reservation.output_price ?? 0 };
  const priced = pricedCall(reservation.model, price, reservation.price_version, args.inputTokens!, args.outputTokens!);
  return "error" in priced ? priced : { credits: priced.credits, priced };
}
