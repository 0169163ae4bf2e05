import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";
import { runtimeSetting } from "../runtime-config/cache";
import { planRole, policyFor } from "../quota/service";
import { fenOf, IdempotencyHeadersSchema, idempotencyKeyOf, markReplay, walletSettings, YuanSchema } from "../wallet/http";
import { BalancesSchema, LedgerEntrySchema, QuotaPurchaseSchema } from "../../contract/wallet/views";

const PATH = "/api/v1/ai/quota/recharge";

const purchase = createRoute({
  method: "post",
  path: PATH,
  tags: ["quota", "wallet"],
  summary: "Buy AI quota with wallet money: a package from the runtime config, or an amount in yuan",
  description:
    "Debits the wallet and recharges the quota exactly once through the wallet's outbox. If the quota side refuses (e.g. the quota is suspended), the money is refunded: `purchase.status` is `refunded`, and the ledger shows the `quota_purchase` and its `refund`. An amount buys `total` tokens at the runtime config's wallet.quotaTokensPerYuan.",
  security: [{ bearerAuth: [] }],
  request: {
    headers: IdempotencyHeadersSchema,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              package: z
                .string()
                .min(1)
                .max(32)
                .optional()
                .openapi({ description: "A package id from the runtime config (`quota.packages`)", example: "small" }),
              amount: YuanSchema.optional(),
            })
            .refine((body) => (body.package === undefined) !== (body.amount === undefined), {
              error: "give exactly one of package and amount",
              path: ["package"],
            }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(
      envelopeOf(BalancesSchema.extend({ purchase: QuotaPurchaseSchema, transaction: LedgerEntrySchema, replayed: z.boolean() })),
      "Paid; `purchase.status` is completed, refunded, or pending while delivery is retried",
    ),
    ...authErrorResponses,
    ...commonErrorResponses,
    403: errorResponse("Forbidden (1003) or wallet frozen (3002)"),
    409: errorResponse("Insufficient balance (3001), or the Idempotency-Key was used for a different request (1006)"),
  },
});

/** Quota purchase with wallet money (a wallet route: strict revocation policy and the wallet's per-user rate limit). */
export function registerQuotaPurchaseRoute(app: OpenAPIHono<AppEnv>): void {
  app.use(
    PATH,
    requireAuth({ policy: "strict" }),
    rateLimit({
      name: "wallet",
      limits: (c) => runtimeSetting(c.var.services, (doc) => doc.wallet.rateLimit),
      key: (c) => c.var.auth?.user_id,
    }),
  );

  app.openapi(purchase, async (c) => {
    const claims = authOf(c);
    const body = c.req.valid("json");
    const { wallet, runtimeConfig } = c.var.services;
    let item: { amount: number; quotaType: "daily" | "monthly" | "total"; tokens: number; packageId: string | null };
    if (body.package !== undefined) {
      const found = (await runtimeConfig()).document.quota.packages.find((candidate) => candidate.id === body.package);
      if (!found) throw new ApiError("INVALID_PARAMETER", "invalid parameters", { details: { "json.package": "no such package" } });
      item = { amount: found.priceFen, quotaType: found.quotaType, tokens: found.tokens, packageId: found.id };
    } else {
      const settings = await walletSettings(c);
      const amount = fenOf(c, body.amount, "json.amount", settings.maxAmountFen);
      // Whole tokens only; the rounding is in the buyer's favour nowhere and against them by less than one token.
      const tokens = Math.floor((amount * settings.quotaTokensPerYuan) / 100);
      if (tokens < 1) throw new ApiError("INVALID_PARAMETER", "invalid parameters", { details: { "json.amount": "buys less than one token" } });
      item = { amount, quotaType: "total", tokens, packageId: null };
    }
    const policy = await policyFor(c, planRole(claims.roles));
    const result = await wallet.purchaseQuota(claims.user_id, { ...item, idempotencyKey: idempotencyKeyOf(c.req.valid("header")), policy });
    markReplay(c, result.replayed);
    const message = {
      completed: "quota purchased",
      refunded: "the quota refused the recharge; the money was refunded",
      pending: "paid; the quota is being recharged",
    };
    return ok(c, result, message[result.purchase.status]);
  });
}
