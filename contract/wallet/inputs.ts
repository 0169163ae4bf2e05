/**
 * Inputs of the `Wallet` RPC methods, in fen. The routes parse yuan and call
 * the service; the Durable Object parses every input again with these
 * schemas (defence in depth), so a bad caller cannot break an invariant.
 */
import { z } from "zod";
import { QuotaPolicySchema } from "../quota/policy";
import { LEDGER_DIRECTIONS, LEDGER_TYPES, PAYMENT_METHODS, WITHDRAWAL_STATUSES } from "./views";

/** No single movement may exceed this many fen, whatever the config says (1e13 fen = 100 billion yuan). */
export const ABSOLUTE_MAX_FEN = 10_000_000_000_000;

/** Wallet ids are user ids; ids the wallet mints (`rc_<user>_<hex>`) embed them, so they must not contain `_`. */
export const WalletOwnerSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9A-Za-z-]+$/, { error: "must be a user id" });

/** An amount of fen: a positive whole number. */
export const FenSchema = z
  .number({ error: "must be a number of fen" })
  .int({ error: "must be whole fen" })
  .positive({ error: "must be greater than 0" })
  .max(ABSOLUTE_MAX_FEN, { error: "too large" });

/** The caller's `Idempotency-Key`: printable ASCII without spaces. */
export const IdempotencyKeySchema = z
  .string({ error: "is required" })
  .min(1, { error: "is required" })
  .max(128, { error: "must be at most 128 characters" })
  .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" });

/** The caller's key, or null when the request had none: such a request cannot be replayed, so nothing is looked up or recorded for it. */
const OptionalIdempotencyKeySchema = IdempotencyKeySchema.nullable();

const text = (max: number) => z.string().trim().min(1).max(max);

/** `consume`: pay for something (chapters, gifts) from the available balance. */
export const ConsumeInputSchema = z.object({ amount: FenSchema, reason: text(200), idempotencyKey: OptionalIdempotencyKeySchema });
/** What `consume` accepts. */
export type ConsumeInput = z.input<typeof ConsumeInputSchema>;

/** `createRecharge`: a pending order; `sandbox` completes it at once (local development). */
export const RechargeInputSchema = z.object({
  amount: FenSchema,
  method: z.enum(PAYMENT_METHODS),
  idempotencyKey: OptionalIdempotencyKeySchema,
  sandbox: z.boolean().default(false),
});
/** What `createRecharge` accepts. */
export type RechargeInput = z.input<typeof RechargeInputSchema>;

/** Ids the wallet mints: recharge orders (`rc_…`) and withdrawals (`wd_…`), each naming its wallet. */
export const MINTED_ID = /^(rc|wd)_([0-9A-Za-z-]{1,64})_([0-9a-f]{24})$/;

/** `completeRecharge`: the payment provider's verified callback. */
export const CompleteRechargeInputSchema = z.object({
  orderId: z.string().regex(MINTED_ID, { error: "must be a recharge order id" }),
  amount: FenSchema,
  providerTxnId: z.string().max(128).nullable().default(null),
});
/** What `completeRecharge` accepts. */
export type CompleteRechargeInput = z.input<typeof CompleteRechargeInputSchema>;

/** `transfer`: the route has checked that the recipient account exists. */
export const TransferInputSchema = z.object({
  toUserId: WalletOwnerSchema,
  amount: FenSchema,
  reason: text(200).nullable().default(null),
  idempotencyKey: OptionalIdempotencyKeySchema,
});
/** What `transfer` accepts. */
export type TransferInput = z.input<typeof TransferInputSchema>;

/** `creditTransfer`: the receiving side of a transfer, delivered by the sender's outbox. */
export const CreditTransferInputSchema = z.object({
  transferId: z.uuid(),
  fromUserId: WalletOwnerSchema,
  amount: FenSchema,
  reason: z.string().max(200).nullable(),
});
/** What `creditTransfer` accepts. */
export type CreditTransferInput = z.input<typeof CreditTransferInputSchema>;

/** `requestWithdraw`: holds the amount until review; `minimum` comes from config. */
export const WithdrawInputSchema = z.object({
  amount: FenSchema,
  account: text(128),
  method: z.enum(PAYMENT_METHODS).default("bank"),
  idempotencyKey: OptionalIdempotencyKeySchema,
  minimum: z.number().int().min(1),
});
/** What `requestWithdraw` accepts. */
export type WithdrawInput = z.input<typeof WithdrawInputSchema>;

/** `reviewWithdraw`: approval pays out the hold; rejection needs a reason and releases it. */
export const ReviewInputSchema = z
  .object({
    withdrawId: z.string().regex(MINTED_ID, { error: "must be a withdrawal id" }),
    approved: z.boolean(),
    reason: text(500).nullable().default(null),
    reviewer: z.string().min(1).max(64),
  })
  .refine((input) => input.approved || input.reason !== null, { error: "is required to reject", path: ["reason"] });
/** What `reviewWithdraw` accepts. */
export type ReviewInput = z.input<typeof ReviewInputSchema>;

/** `setFrozen`: an admin freezes or unfreezes the wallet. */
export const FreezeInputSchema = z.object({ frozen: z.boolean(), reason: text(500).nullable().default(null), by: z.string().min(1).max(64) });
/** What `setFrozen` accepts. */
export type FreezeInput = z.input<typeof FreezeInputSchema>;

const page = { limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).max(1_000_000_000).default(0) };

/** A ledger page, newest first, optionally one type. */
export const ListTransactionsInputSchema = z.object({
  ...page,
  type: z.enum(LEDGER_TYPES).nullable().default(null),
  /** Money in (`amount > 0`) or out (`amount < 0`), whatever the type: the Qingyu web client's `type=income|expense`. */
  direction: z.enum(LEDGER_DIRECTIONS).nullable().default(null),
});
/** What `listTransactions` accepts. */
export type ListTransactionsInput = z.input<typeof ListTransactionsInputSchema>;

/** A withdrawals page, newest first, optionally one status. */
export const ListWithdrawalsInputSchema = z.object({ ...page, status: z.enum(WITHDRAWAL_STATUSES).nullable().default(null) });
/** What `listWithdrawals` accepts. */
export type ListWithdrawalsInput = z.input<typeof ListWithdrawalsInputSchema>;

/**
 * `purchaseQuota`: pay `amount` fen for `tokens` of one quota type. `policy`
 * is the buyer's QuotaPolicy at purchase time, carried to the QuotaCounter by
 * the outbox (validated here too, so a bad one is refused before any debit).
 */
export const QuotaPurchaseInputSchema = z.object({
  amount: FenSchema,
  quotaType: z.enum(["daily", "monthly", "total"]),
  tokens: z.number().int().positive().max(1_000_000_000),
  packageId: z.string().min(1).max(32).nullable().default(null),
  idempotencyKey: OptionalIdempotencyKeySchema,
  policy: QuotaPolicySchema,
});
/** What `purchaseQuota` accepts. */
export type QuotaPurchaseInput = z.input<typeof QuotaPurchaseInputSchema>;
