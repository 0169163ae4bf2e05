import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rate-limit";
import { runtimeSetting } from "../runtime-config/cache";
import { honoPathsOf, openapiWithAliases, type ClientAlias } from "../lib/client-alias";
import { LEDGER_DIRECTIONS, LEDGER_TYPES, LedgerEntrySchema, RechargeOrderSchema, WalletViewSchema, WITHDRAWAL_STATUSES, WithdrawalSchema } from "../../contract/wallet/views";
import { PagingQuerySchema, toWindow } from "./paging";
import { registerWalletMoneyRoutes } from "./wallet-money";

/** Where every wallet route lives (the Go backend's paths). */
export const WALLET_BASE = "/api/v1/finance/wallet";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

/** Every path behind the user's token; the recharge callback is the one wallet path that is not. */
const USER_PATHS = ["/balance", "/detail", "/transactions", "/withdraws", "/recharge", "/recharge/orders/:orderId", "/consume", "/transfer", "/withdraw"];

/** Where the Qingyu web client's wallet pages call (the Go backend's shared-service paths). */
export const CLIENT_WALLET_BASE = "/api/v1/shared/wallet";
const CLIENT_FILE = "src/modules/shared/api/wallet.ts";
const clientAlias = (path: string): ClientAlias[] => [{ path: `${CLIENT_WALLET_BASE}${path}`, client: CLIENT_FILE }];

/** The client alias of each canonical wallet path (by canonical suffix). */
export const WALLET_ALIASES = {
  balance: clientAlias("/balance"),
  detail: clientAlias(""),
  transactions: clientAlias("/transactions"),
  withdraws: clientAlias("/withdraw-requests"),
  recharge: clientAlias("/recharge"),
  consume: clientAlias("/consume"),
  transfer: clientAlias("/transfer"),
  withdraw: clientAlias("/withdraw"),
} as const;

const balance = createRoute({
  method: "get",
  path: `${WALLET_BASE}/balance`,
  tags: ["wallet"],
  summary: "The caller's balance in fen (held money included; see /detail for available)",
  security,
  responses: { 200: jsonContent(envelopeOf(z.number().int().openapi({ example: 1234 })), "Balance in fen"), ...errors },
});

const detail = createRoute({
  method: "get",
  path: `${WALLET_BASE}/detail`,
  tags: ["wallet"],
  summary: "The caller's wallet: balance, held (frozen_amount), available, the freeze flag, income and expense",
  security,
  responses: { 200: jsonContent(envelopeOf(WalletViewSchema), "Wallet"), ...errors },
});

const transactions = createRoute({
  method: "get",
  path: `${WALLET_BASE}/transactions`,
  tags: ["wallet"],
  summary: "The caller's ledger, newest first, optionally one type",
  security,
  request: {
    query: PagingQuerySchema.extend({
      type: z
        .enum([...LEDGER_TYPES, ...LEDGER_DIRECTIONS])
        .optional()
        .openapi({ description: "One row type, or `income` (amount > 0) / `expense` (amount < 0) as the web client filters" }),
    }),
  },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(LedgerEntrySchema)), "A page of ledger rows"), ...errors },
});

const withdraws = createRoute({
  method: "get",
  path: `${WALLET_BASE}/withdraws`,
  tags: ["wallet"],
  summary: "The caller's withdrawals, newest first, optionally one status",
  security,
  request: { query: PagingQuerySchema.extend({ status: z.enum(WITHDRAWAL_STATUSES).optional() }) },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(WithdrawalSchema)), "A page of withdrawals"), ...errors },
});

const rechargeOrder = createRoute({
  method: "get",
  path: `${WALLET_BASE}/recharge/orders/{orderId}`,
  tags: ["wallet"],
  summary: "One of the caller's recharge orders (poll after paying)",
  security,
  request: { params: z.object({ orderId: z.string().min(1).max(128) }) },
  responses: { 200: jsonContent(envelopeOf(RechargeOrderSchema), "The order"), ...errors },
});

/**
 * The wallet's user routes: JWT with the strict revocation policy (a wallet
 * fails closed when revocations cannot be checked) and a per-user rate limit
 * (runtime config `wallet.rateLimit`) on every one.
 */
export function registerWalletRoutes(app: OpenAPIHono<AppEnv>): void {
  const guard = [
    requireAuth({ policy: "strict" }),
    rateLimit({
      name: "wallet",
      limits: (c) => runtimeSetting(c.var.services, (doc) => doc.wallet.rateLimit),
      key: (c) => c.var.auth?.user_id,
    }),
  ];
  for (const path of USER_PATHS) app.use(`${WALLET_BASE}${path}`, ...guard);
  for (const path of honoPathsOf(Object.values(WALLET_ALIASES).flat())) app.use(path, ...guard);

  openapiWithAliases(app, balance, async (c) => ok(c, (await c.var.services.wallet.wallet(authOf(c).user_id)).balance), WALLET_ALIASES.balance);

  openapiWithAliases(app, detail, async (c) => ok(c, await c.var.services.wallet.wallet(authOf(c).user_id)), WALLET_ALIASES.detail);

  openapiWithAliases(
    app,
    transactions,
    async (c) => {
      const query = c.req.valid("query");
      const window = toWindow(query);
      const filter = query.type ?? null;
      const direction = filter === "income" || filter === "expense" ? filter : null;
      const type = filter === "income" || filter === "expense" ? null : filter;
      const page = await c.var.services.wallet.transactions(authOf(c).user_id, { type, direction, limit: window.limit, offset: window.offset });
      return okPage(c, page.items, paginate(page.total, window.page, window.pageSize));
    },
    WALLET_ALIASES.transactions,
  );

  openapiWithAliases(app, withdraws, async (c) => {
    const query = c.req.valid("query");
    const window = toWindow(query);
    const page = await c.var.services.wallet.withdrawals(authOf(c).user_id, { status: query.status ?? null, limit: window.limit, offset: window.offset });
    return okPage(c, page.items, paginate(page.total, window.page, window.pageSize));
  }, WALLET_ALIASES.withdraws);

  app.openapi(rechargeOrder, async (c) => ok(c, await c.var.services.wallet.rechargeOrder(authOf(c).user_id, c.req.valid("param").orderId)));

  registerWalletMoneyRoutes(app, WALLET_ALIASES);
}
