/**
 * What the wallet returns, as the Qingyu clients read it (the Go backend's
 * snake_case fields): zod schemas for OpenAPI and the inferred types the
 * Wallet Durable Object builds. Money is integer fen; times are ISO 8601.
 */
import { z } from "@hono/zod-openapi";

/** Every kind of ledger row. */
export const LEDGER_TYPES = [
  "recharge",
  "consume",
  "transfer_out",
  "transfer_in",
  "withdraw_hold",
  "withdraw_release",
  "withdraw",
  "quota_purchase",
  "refund",
  "admin_adjust",
] as const;
/** Ledger filters by the sign of `amount`: money in or money out, whatever the row's type. */
export const LEDGER_DIRECTIONS = ["income", "expense"] as const;

/** A ledger row's kind. */
export type LedgerType = (typeof LEDGER_TYPES)[number];

/**
 * A ledger row's state. `pending` rows wait for something (a transfer's or a
 * quota purchase's delivery, a withdrawal's review); `refunded` means the
 * money came back in a `refund` row; `approved`/`rejected` end a withdrawal hold.
 */
export const LEDGER_STATUSES = ["completed", "pending", "refunded", "approved", "rejected"] as const;
/** A ledger row's state. */
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/** Payment methods for recharges and withdrawals. */
export const PAYMENT_METHODS = ["alipay", "wechat", "bank"] as const;
/** A payment method. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Withdrawal states: held until an admin approves (paid out) or rejects (released). */
export const WITHDRAWAL_STATUSES = ["pending", "approved", "rejected"] as const;
/** A withdrawal's state. */
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

const fen = (description: string) =>
  z
    .number()
    .int()
    .openapi({ description: `${description} (fen)`, example: 1234 });
const time = z.string().openapi({ description: "ISO 8601", example: "2026-11-26T08:00:00.000Z" });

/** `GET /detail`. `frozen_amount` is money held for pending withdrawals; `frozen` is the admin freeze flag. */
export const WalletViewSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    balance: fen("Balance, held money included"),
    frozen_amount: fen("Held for pending withdrawals"),
    available_amount: fen("balance − frozen_amount"),
    frozen: z.boolean().openapi({ description: "Frozen by an admin: no consume, transfer or withdraw; it can still receive" }),
    frozen_reason: z.string().nullable(),
    total_income: fen("Everything credited (recharges, transfers in, refunds)"),
    total_expense: fen("Everything debited (consumption, transfers out, withdrawals, quota purchases)"),
    currency: z.literal("CNY"),
    created_at: time,
    updated_at: time,
  })
  .openapi("Wallet");
/** A wallet. */
export type WalletView = z.infer<typeof WalletViewSchema>;

/** One ledger row. `amount` is the signed effect on the balance, `held_delta` on the held money. */
export const LedgerEntrySchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    type: z.enum(LEDGER_TYPES),
    amount: fen("Signed change of the balance"),
    balance_after: fen("Balance after this row"),
    held_delta: fen("Signed change of the held money (withdrawals)"),
    held_after: fen("Held money after this row"),
    related_user_id: z.string().nullable().openapi({ description: "The other wallet of a transfer" }),
    related_user: z.string().nullable().openapi({ description: "Qingyu web client alias of `related_user_id`" }),
    reference: z.string().nullable().openapi({ description: "Transfer, order, withdrawal or purchase id" }),
    reason: z.string().nullable(),
    description: z.string().nullable().openapi({ description: "Qingyu web client alias of `reason`" }),
    status: z.enum(LEDGER_STATUSES),
    idempotency_key: z.string().nullable(),
    created_at: time,
  })
  .openapi("WalletTransaction");
/** A ledger row. */
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** A recharge order: `pending` until the payment provider's verified callback credits it. */
export const RechargeOrderSchema = z
  .object({
    order_id: z.string(),
    user_id: z.string(),
    amount: fen("Amount to credit"),
    method: z.enum(PAYMENT_METHODS),
    status: z.enum(["pending", "credited"]),
    transaction_id: z.string().nullable().openapi({ description: "The recharge ledger row once credited" }),
    created_at: time,
    credited_at: time.nullable(),
  })
  .openapi("RechargeOrder");
/** A recharge order. */
export type RechargeOrder = z.infer<typeof RechargeOrderSchema>;

/** A withdrawal request and its review. */
export const WithdrawalSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    amount: fen("Held, then paid out on approval"),
    account: z.string(),
    method: z.enum(PAYMENT_METHODS),
    status: z.enum(WITHDRAWAL_STATUSES),
    review_reason: z.string().nullable(),
    reviewed_by: z.string().nullable(),
    reviewed_at: time.nullable(),
    processed_at: time.nullable().openapi({ description: "Qingyu web client alias of `reviewed_at`" }),
    remark: z.string().nullable().openapi({ description: "Qingyu web client alias of `review_reason`" }),
    created_at: time,
  })
  .openapi("Withdrawal");
/** A withdrawal. */
export type Withdrawal = z.infer<typeof WithdrawalSchema>;

/** A transfer as the sender sees it: `pending` until the receiver acknowledged the credit. */
export const TransferSchema = z
  .object({
    transfer_id: z.string(),
    from_user_id: z.string(),
    to_user_id: z.string(),
    amount: fen("Amount moved"),
    reason: z.string().nullable(),
    status: z.enum(["pending", "completed", "refunded"]),
    created_at: time,
  })
  .openapi("Transfer");
/** A transfer. */
export type Transfer = z.infer<typeof TransferSchema>;

/** Balances after a money-moving call. */
export const BalancesSchema = z.object({ balance: fen("Balance"), frozen_amount: fen("Held"), available_amount: fen("Available") });
/** Balances after a call. */
export type Balances = z.infer<typeof BalancesSchema>;

/** A purchase of AI quota with wallet money: `pending` until the quota side acknowledged, `refunded` if it refused. */
export const QuotaPurchaseSchema = z
  .object({
    purchase_id: z.string(),
    package_id: z.string().nullable().openapi({ description: "The runtime-config package bought, or null for an amount" }),
    quota_type: z.enum(["daily", "monthly", "total"]),
    tokens: z.number().int().openapi({ description: "AI tokens added", example: 100_000 }),
    price: fen("Price paid"),
    status: z.enum(["pending", "completed", "refunded"]),
    refund_reason: z.string().nullable(),
    created_at: time,
  })
  .openapi("QuotaPurchase");
/** A quota purchase. */
export type QuotaPurchase = z.infer<typeof QuotaPurchaseSchema>;

/** A withdrawal as the Wallet object and the admins' D1 index store it (times in epoch ms). */
export type StoredWithdrawal = Omit<Withdrawal, "reviewed_at" | "created_at" | "processed_at" | "remark"> & { reviewed_at: number | null; created_at: number };

/** The client shape of a stored withdrawal: the listed fields only (storage columns like `seq` stay out), ISO times. */
export function withdrawalView(row: StoredWithdrawal): Withdrawal {
  const reviewedAt = row.reviewed_at === null ? null : new Date(row.reviewed_at).toISOString();
  return {
    id: row.id,
    user_id: row.user_id,
    amount: row.amount,
    account: row.account,
    method: row.method,
    status: row.status,
    review_reason: row.review_reason,
    reviewed_by: row.reviewed_by,
    reviewed_at: reviewedAt,
    processed_at: reviewedAt,
    remark: row.review_reason,
    created_at: new Date(row.created_at).toISOString(),
  };
}
