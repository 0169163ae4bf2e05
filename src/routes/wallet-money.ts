import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { created, envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf } from "../middleware/auth";
import { openapiWithAliases, type ClientAlias } from "../lib/client-alias";
import { fenOf, IdempotencyHeadersSchema, idempotencyKeyOf, markReplay, walletSettings, YuanSchema } from "../wallet/http";
import { BalancesSchema, LedgerEntrySchema, PAYMENT_METHODS, RechargeOrderSchema, TransferSchema, WithdrawalSchema } from "../../contract/wallet/views";

const BASE = "/api/v1/finance/wallet";
/**
 * The web client reads a money call's answer as the ledger row (Go returned the
 * debit transaction itself as `data`): its fields at the top level, beside ours.
 */
const TransactionAtTopSchema = LedgerEntrySchema.extend(BalancesSchema.shape);
const security = [{ bearerAuth: [] }];
const errors = {
  ...authErrorResponses,
  ...commonErrorResponses,
  400: errorResponse("Invalid parameters or amount (1001), below the minimum withdrawal (3003), self-transfer (3005)"),
  403: errorResponse("Forbidden (1003) or wallet frozen by an administrator (3002)"),
  404: errorResponse("Not found (1004) or unknown recipient (3004)"),
  409: errorResponse("Insufficient balance (3001), or the Idempotency-Key was used for a different request (1006)"),
};
/** The client aliases of the money routes, by route. */
export type WalletMoneyAliases = Record<"recharge" | "consume" | "transfer" | "withdraw", readonly ClientAlias[]>;
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const replayed = z.boolean().openapi({ description: "True when this answers an earlier request with the same Idempotency-Key; nothing moved" });
const reason = z.string().trim().min(1).max(200);
/** Any id is accepted here: one that no account can have is an unknown recipient (404, 3004), not a malformed request. */
const RecipientSchema = z.string().min(1).max(128);

const recharge = createRoute({
  method: "post",
  path: `${BASE}/recharge`,
  tags: ["wallet"],
  summary: "Create a pending recharge order; the wallet is credited when the payment provider's signed callback arrives",
  security,
  request: { headers: IdempotencyHeadersSchema, ...json(z.object({ amount: YuanSchema, method: z.enum(PAYMENT_METHODS) })) },
  responses: {
    201: jsonContent(
      envelopeOf(
        RechargeOrderSchema.extend({ payment_url: z.string().nullable().openapi({ description: "Where to pay (when a provider URL is configured)" }) }),
      ),
      "The order (already credited when WALLET_RECHARGE_SANDBOX=true)",
    ),
    ...errors,
  },
});

const consume = createRoute({
  method: "post",
  path: `${BASE}/consume`,
  tags: ["wallet"],
  summary: "Pay from the available balance",
  security,
  request: { headers: IdempotencyHeadersSchema, ...json(z.object({ amount: YuanSchema, reason })) },
  responses: {
    200: jsonContent(envelopeOf(TransactionAtTopSchema.extend({ transaction: LedgerEntrySchema, replayed })), "Paid: the ledger row's fields, the balances and the row again in `transaction`"),
    ...errors,
  },
});

const TransferBodySchema = z
  .object({
    to_user_id: RecipientSchema.optional().openapi({ description: "The recipient's user id (`toUserId` is accepted too)" }),
    toUserId: RecipientSchema.optional(),
    amount: YuanSchema,
    reason: reason.optional(),
  })
  .refine((body) => (body.to_user_id ?? body.toUserId) !== undefined, { error: "is required", path: ["to_user_id"] })
  .refine((body) => body.to_user_id === undefined || body.toUserId === undefined || body.to_user_id === body.toUserId, {
    error: "to_user_id and toUserId disagree",
    path: ["to_user_id"],
  });

const transfer = createRoute({
  method: "post",
  path: `${BASE}/transfer`,
  tags: ["wallet"],
  summary: "Send money to another account, exactly once (debit here, credit delivered through the outbox)",
  security,
  request: { headers: IdempotencyHeadersSchema, ...json(TransferBodySchema) },
  responses: {
    200: jsonContent(
      envelopeOf(TransactionAtTopSchema.extend({ transfer: TransferSchema, transaction: LedgerEntrySchema, replayed })),
      "Debited: the debit row's fields (`id`, `amount`, …) at the top, the balances, and `transfer`/`transaction`; `transfer.status` is `completed` once the recipient has the money, `pending` while delivery is retried",
    ),
    ...errors,
  },
});

const withdraw = createRoute({
  method: "post",
  path: `${BASE}/withdraw`,
  tags: ["wallet"],
  summary: "Request a withdrawal (at least the runtime config's wallet.minWithdrawFen); the amount is held until an admin reviews it",
  security,
  request: {
    headers: IdempotencyHeadersSchema,
    ...json(
      z.object({
        amount: YuanSchema,
        account: z.string().trim().min(1).max(128),
        method: z.enum(PAYMENT_METHODS).optional(),
        accountType: z.enum(PAYMENT_METHODS).optional().openapi({ description: "Alias of `method` (the web client's WithdrawParams.accountType)" }),
      }),
    ),
  },
  responses: {
    201: jsonContent(
      envelopeOf(WithdrawalSchema.extend(BalancesSchema.shape).extend({ withdrawal: WithdrawalSchema, transaction: LedgerEntrySchema, replayed })),
      "Held: the withdrawal's fields (`id`, `status`, `amount`, …) at the top, the balances, and `withdrawal`/`transaction`",
    ),
    ...errors,
  },
});

/** Money-moving wallet routes; each accepts an Idempotency-Key. Guarded by `registerWalletRoutes`, which also owns the aliases. */
export function registerWalletMoneyRoutes(app: OpenAPIHono<AppEnv>, aliases: WalletMoneyAliases): void {
  openapiWithAliases(app, recharge, async (c) => {
    const body = c.req.valid("json");
    const settings = await walletSettings(c);
    const amount = fenOf(c, body.amount, "json.amount", settings.maxAmountFen);
    const result = await c.var.services.wallet.recharge(authOf(c).user_id, {
      amount,
      method: body.method,
      idempotencyKey: idempotencyKeyOf(c.req.valid("header")),
    });
    markReplay(c, result.replayed);
    return created(c, result.order, result.order.status === "credited" ? "recharged (sandbox)" : "recharge order created");
  }, aliases.recharge);

  openapiWithAliases(app, consume, async (c) => {
    const body = c.req.valid("json");
    const settings = await walletSettings(c);
    const amount = fenOf(c, body.amount, "json.amount", settings.maxAmountFen);
    const result = await c.var.services.wallet.consume(authOf(c).user_id, {
      amount,
      reason: body.reason,
      idempotencyKey: idempotencyKeyOf(c.req.valid("header")),
    });
    markReplay(c, result.replayed);
    return ok(c, { ...result.transaction, ...result }, "consumed");
  }, aliases.consume);

  openapiWithAliases(app, transfer, async (c) => {
    const body = c.req.valid("json");
    const settings = await walletSettings(c);
    const amount = fenOf(c, body.amount, "json.amount", settings.maxAmountFen);
    const toUserId = (body.to_user_id ?? body.toUserId)!;
    const result = await c.var.services.wallet.transfer(authOf(c).user_id, {
      toUserId,
      amount,
      reason: body.reason ?? null,
      idempotencyKey: idempotencyKeyOf(c.req.valid("header")),
    });
    markReplay(c, result.replayed);
    return ok(c, { ...result.transaction, ...result }, result.transfer.status === "completed" ? "transferred" : "transfer accepted; delivery pending");
  }, aliases.transfer);

  openapiWithAliases(app, withdraw, async (c) => {
    const body = c.req.valid("json");
    const settings = await walletSettings(c);
    const amount = fenOf(c, body.amount, "json.amount", settings.maxAmountFen);
    const result = await c.var.services.wallet.withdraw(authOf(c).user_id, {
      amount,
      account: body.account,
      method: body.method ?? body.accountType ?? "bank",
      minimum: settings.minWithdrawFen,
      idempotencyKey: idempotencyKeyOf(c.req.valid("header")),
    });
    markReplay(c, result.replayed);
    return created(c, { ...result.withdrawal, ...result }, "withdrawal requested");
  }, aliases.withdraw);
}
