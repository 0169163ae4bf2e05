/**
 * Buying AI quota with wallet money: the debit and an outbox message to the
 * user's QuotaCounter commit together; the QuotaCounter's `recharge`
 * (idempotent by the purchase id) adds the tokens exactly once. If the quota
 * side refuses, the sender's settlement refunds the money (spend.ts
 * `settleDebit`), visible as a `refund` row.
 */
import type { z } from "zod";
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { QuotaPurchaseResult, WalletFailure } from "../../contract/wallet/results";
import type { QuotaPurchaseInputSchema } from "../../contract/wallet/inputs";
import type { QuotaPurchase } from "../../contract/wallet/views";
import { enqueue } from "../outbox/outbox";
import type { WalletBook } from "./book";
import { fingerprint, once } from "./idempotency";
import { debitCheck } from "./spend";

/** Outbox kind of a quota purchase's recharge. */
export const QUOTA_RECHARGE = "quota_recharge";

/** What the outbox carries to the QuotaCounter: its `recharge` input and the buyer's policy. */
export type QuotaRechargePayload = {
  input: { quotaType: QuotaPurchase["quota_type"]; amount: number; reason: string; requestId: string };
  policy: QuotaPolicy;
  packageId: string | null;
};

type Args = z.output<typeof QuotaPurchaseInputSchema>;

/** Debits the price and sends the recharge; idempotent by key. */
export function purchaseQuota(book: WalletBook, args: Args, ttlSeconds: number): QuotaPurchaseResult | WalletFailure {
  const print = fingerprint(args.amount, args.quotaType, args.tokens, args.packageId);
  return once(book.sql, "quota_purchase", args.idempotencyKey, print, book.now, ttlSeconds, (key) => {
    const refused = debitCheck(book, args.amount);
    if (refused) return refused;
    const purchaseId = crypto.randomUUID();
    const reason = `${args.tokens} ${args.quotaType} AI tokens${args.packageId ? ` (package ${args.packageId})` : ""}`;
    const transaction = book.post({
      type: "quota_purchase",
      amount: -args.amount,
      status: "pending",
      reference: purchaseId,
      reason,
      idempotencyKey: key,
    });
    const payload: QuotaRechargePayload = {
      input: { quotaType: args.quotaType, amount: args.tokens, reason: `purchase: ${reason}`, requestId: purchaseId },
      policy: args.policy,
      packageId: args.packageId,
    };
    enqueue(book.sql, { id: purchaseId, kind: QUOTA_RECHARGE, target: book.userId, payload, amount: args.amount }, book.now);
    const purchase: QuotaPurchase = {
      purchase_id: purchaseId,
      package_id: args.packageId,
      quota_type: args.quotaType,
      tokens: args.tokens,
      price: args.amount,
      status: "pending",
      refund_reason: null,
      created_at: transaction.created_at,
    };
    return { purchase, transaction, ...book.balances(), replayed: false };
  });
}

/** The purchase's current state from the ledger (delivery may have moved it on since the stored result). */
export function purchaseState(book: WalletBook, purchaseId: string): Pick<QuotaPurchase, "status" | "refund_reason"> {
  const debit = book.byReference("quota_purchase", purchaseId);
  if (debit?.status === "completed") return { status: "completed", refund_reason: null };
  if (debit?.status === "refunded") return { status: "refunded", refund_reason: book.byReference("refund", purchaseId)?.reason ?? null };
  return { status: "pending", refund_reason: null };
}
