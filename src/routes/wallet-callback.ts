import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { notifyUser } from "../auth/account-notices";
import type { AppEnv } from "../env";
import { ApiError, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { CALLBACK_SIGNATURE_HEADER, freshTimestamp, RechargeCallbackSchema, verifyCallback } from "../wallet/callback";
import { fenOf, markReplay } from "../wallet/http";
import { ABSOLUTE_MAX_FEN } from "../../contract/wallet/inputs";
import { BalancesSchema, LedgerEntrySchema, RechargeOrderSchema } from "../../contract/wallet/views";

const PATH = "/api/v1/finance/wallet/recharge/callback";

/** A callback's outcome in `qingyu_wallet_recharge_callbacks_total`. */
type CallbackResult = "credited" | "duplicate" | "bad_signature" | "stale" | "amount_mismatch" | "unknown_order";

/** The outcome of a completion the Wallet refused: an unknown order, or (the only other refusal of a verified, valid body) the amount. */
function refusal(error: unknown): CallbackResult | null {
  if (!(error instanceof ApiError)) return null;
  if (error.errorName === "NOT_FOUND") return "unknown_order";
  return error.errorName === "INVALID_PARAMETER" ? "amount_mismatch" : null;
}

const callback = createRoute({
  method: "post",
  path: PATH,
  tags: ["wallet"],
  summary: "Payment provider callback: credits a recharge order once (HMAC-SHA256 over the raw body, timestamp window)",
  description: `Signed by the provider with WALLET_CALLBACK_SECRET: \`${CALLBACK_SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the raw body>\`. A repeat of a credited order answers the same result with \`replayed: true\` and credits nothing.`,
  request: {
    headers: z.object({
      [CALLBACK_SIGNATURE_HEADER.toLowerCase()]: z.string().optional().openapi({ description: "sha256=<hex HMAC-SHA256 of the raw body>" }),
    }),
    body: { required: true, content: { "application/json": { schema: RechargeCallbackSchema } } },
  },
  responses: {
    200: jsonContent(
      envelopeOf(BalancesSchema.extend({ order: RechargeOrderSchema, transaction: LedgerEntrySchema, replayed: z.boolean() })),
      "Credited (or already)",
    ),
    ...commonErrorResponses,
    400: errorResponse("Invalid body, or the amount does not match the order (1001)"),
    401: errorResponse("Bad or missing signature, or a timestamp outside the window (1002)"),
  },
});

/**
 * Verifies the signature over the raw bytes before anything parses the body
 * (the validator then reads the same cached text), so unsigned input learns
 * nothing, not even whether it was well-formed.
 */
function verifySignature(): MiddlewareHandler<AppEnv> {
  return async function verifySignature(c, next) {
    const secret = c.var.services.wallet.config.callbackSecret;
    const raw = await c.req.text();
    if (!secret || !(await verifyCallback(secret, raw, c.req.header(CALLBACK_SIGNATURE_HEADER)))) {
      c.var.logger.warn("recharge callback refused", { reason: secret ? "bad signature" : "no WALLET_CALLBACK_SECRET configured" });
      c.var.metrics.inc("qingyu_wallet_recharge_callbacks_total", { result: "bad_signature" });
      throw new ApiError("UNAUTHORIZED", "invalid callback signature");
    }
    await next();
  };
}

/** The provider's recharge callback (no user token: the signature is the authentication). */
export function registerWalletCallbackRoute(app: OpenAPIHono<AppEnv>): void {
  app.use(PATH, verifySignature());

  app.openapi(callback, async (c) => {
    const body = c.req.valid("json");
    const { wallet } = c.var.services;
    if (!freshTimestamp(body.timestamp, Date.now(), wallet.config.callbackWindowSeconds)) {
      c.var.logger.warn("recharge callback refused", { reason: "timestamp outside the window", order_id: body.order_id });
      c.var.metrics.inc("qingyu_wallet_recharge_callbacks_total", { result: "stale" });
      throw new ApiError("UNAUTHORIZED", `callback timestamp outside the ${wallet.config.callbackWindowSeconds} s window`);
    }
    // Bounded by the absolute cap, not today's wallet.maxAmountFen (runtime config): an order made under a higher limit must still be payable.
    const amount = fenOf(c, body.amount, "json.amount", ABSOLUTE_MAX_FEN);
    let result: Awaited<ReturnType<typeof wallet.completeRecharge>>;
    try {
      result = await wallet.completeRecharge(body.order_id, amount, body.provider_txn_id ?? null);
    } catch (error) {
      const refused = refusal(error);
      if (refused) c.var.metrics.inc("qingyu_wallet_recharge_callbacks_total", { result: refused });
      throw error;
    }
    c.var.metrics.inc("qingyu_wallet_recharge_callbacks_total", { result: result.replayed ? "duplicate" : "credited" });
    // Also on a replay: the event id makes it one email, and a first call that died before enqueueing is made good.
    await notifyUser(c.var.services, {
      eventId: `recharge_credited:${result.order.order_id}`,
      event: "recharge_credited",
      userId: result.order.user_id,
      details: { amountFen: result.order.amount },
    });
    markReplay(c, result.replayed);
    return ok(c, result, result.replayed ? "already credited" : "credited");
  });
}
