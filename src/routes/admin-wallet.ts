import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createOperationLog } from "../admin/operation-log";
import { notifyUser } from "../auth/account-notices";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { createWithdrawalIndex, type WithdrawalFilter } from "../wallet/withdrawal-index";
import { BalancesSchema, LedgerEntrySchema, WalletViewSchema, WITHDRAWAL_STATUSES, WithdrawalSchema } from "../../contract/wallet/views";
import { PagingQuerySchema, toWindow } from "./paging";

const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const countAndAmount = z.object({ count: z.number().int(), amount: z.number().int().openapi({ description: "fen" }) });
/** `2026-11-01` or a full ISO 8601 time; a bare date means that day's start (from) or end (to), UTC. */
const dateParam = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { error: "must be an ISO 8601 date or time" });

const review = createRoute({
  method: "post",
  path: "/api/v1/admin/withdraw/review",
  tags: ["admin", "wallet"],
  summary: "Approve (pay out the hold) or reject (release it, reason required) a withdrawal; reviewed once",
  security,
  request: {
    ...json(
      z
        .object({ withdraw_id: z.string().min(1).max(128), approved: z.boolean(), reason: z.string().trim().min(1).max(500).optional() })
        .refine((body) => body.approved || body.reason !== undefined, { error: "is required to reject", path: ["reason"] }),
    ),
  },
  responses: {
    200: jsonContent(envelopeOf(BalancesSchema.extend({ withdrawal: WithdrawalSchema, transaction: LedgerEntrySchema })), "Reviewed"),
    ...errors,
    409: errorResponse("Already reviewed (1006)"),
  },
});

const FilterQuerySchema = z.object({ user_id: z.string().min(1).max(64).optional(), from: dateParam.optional(), to: dateParam.optional() });

const list = createRoute({
  method: "get",
  path: "/api/v1/admin/withdrawals",
  tags: ["admin", "wallet"],
  summary: "Withdrawals across all wallets, newest first (filters: status, user, date range)",
  security,
  request: { query: PagingQuerySchema.extend(FilterQuerySchema.shape).extend({ status: z.enum(WITHDRAWAL_STATUSES).optional() }) },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(WithdrawalSchema)), "A page of withdrawals"), ...errors },
});

const stats = createRoute({
  method: "get",
  path: "/api/v1/admin/withdrawals/stats",
  tags: ["admin", "wallet"],
  summary: "Withdrawal counts and amounts per status (filters: user, date range)",
  security,
  request: { query: FilterQuerySchema },
  responses: {
    200: jsonContent(envelopeOf(z.object({ by_status: z.record(z.enum(WITHDRAWAL_STATUSES), countAndAmount), total: countAndAmount })), "Statistics"),
    ...errors,
  },
});

const freezeRoute = (action: "freeze" | "unfreeze") =>
  createRoute({
    method: "post",
    path: `/api/v1/admin/wallet/{userId}/${action}`,
    tags: ["admin", "wallet"],
    summary: action === "freeze" ? "Freeze a wallet: no consume, transfer or withdraw; it can still receive" : "Unfreeze a wallet",
    security,
    request: {
      params: z.object({ userId: z.string().min(1).max(64) }),
      body: { required: false, content: { "application/json": { schema: z.object({ reason: z.string().trim().min(1).max(500).optional() }) } } },
    },
    responses: { 200: jsonContent(envelopeOf(WalletViewSchema), "The wallet"), ...errors },
  });

const verify = createRoute({
  method: "get",
  path: "/api/v1/admin/wallet/{userId}/verify",
  tags: ["admin", "wallet"],
  summary: "Reconcile a wallet: replay its ledger from zero against the balance, and show money sent but not yet acknowledged",
  security,
  request: { params: z.object({ userId: z.string().min(1).max(64) }) },
  responses: {
    200: jsonContent(
      envelopeOf(
        z.object({
          ledger: z.object({
            ok: z.boolean(),
            rows: z.number().int(),
            balance: z.number().int(),
            held: z.number().int(),
            replayed_balance: z.number().int(),
            replayed_held: z.number().int(),
            problems: z.array(z.string()),
          }),
          in_flight: z.object({ transfers: z.number().int(), quota_purchases: z.number().int(), messages: z.number().int() }),
        }),
      ),
      "Reconciliation",
    ),
    ...errors,
  },
});

/** Bare dates cover the whole day: `from` its first millisecond, `to` its last. */
function filterOf(query: z.infer<typeof FilterQuerySchema> & { status?: WithdrawalFilter["status"] }): WithdrawalFilter {
  const bareDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  return {
    status: query.status,
    userId: query.user_id,
    from: query.from === undefined ? undefined : Date.parse(query.from),
    to: query.to === undefined ? undefined : Date.parse(query.to) + (bareDate(query.to) ? 86_399_999 : 0),
  };
}

async function audit(c: Context<AppEnv>, action: string, target: string, details: unknown) {
  await createOperationLog(c.env.DB).record({ adminId: authOf(c).user_id, action, target, details, requestId: c.var.requestId });
}

/** Wallet administration (role admin, strict revocation policy); every change is in the operation log. */
export function registerAdminWalletRoutes(app: OpenAPIHono<AppEnv>): void {
  const guard = requireAuth({ roles: ["admin"], policy: "strict" });
  for (const path of ["/api/v1/admin/withdraw/review", "/api/v1/admin/withdrawals", "/api/v1/admin/withdrawals/stats", "/api/v1/admin/wallet/*"])
    app.use(path, guard);

  app.openapi(review, async (c) => {
    const body = c.req.valid("json");
    const result = await c.var.services.wallet.review({
      withdrawId: body.withdraw_id,
      approved: body.approved,
      reason: body.reason ?? null,
      reviewer: authOf(c).user_id,
    });
    await audit(c, body.approved ? "wallet.withdraw_approve" : "wallet.withdraw_reject", `withdrawal:${body.withdraw_id}`, body);
    const event = body.approved ? "withdrawal_approved" : "withdrawal_rejected";
    await notifyUser(c.var.services, {
      eventId: `${event}:${result.withdrawal.id}`,
      event,
      userId: result.withdrawal.user_id,
      details: { amountFen: result.withdrawal.amount, ...(body.reason ? { reason: body.reason } : {}) },
    });
    return ok(c, result, body.approved ? "withdrawal approved" : "withdrawal rejected");
  });

  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const window = toWindow(query);
    const page = await createWithdrawalIndex(c.env.DB).list(filterOf(query), window);
    return okPage(c, page.items, paginate(page.total, window.page, window.pageSize));
  });

  app.openapi(stats, async (c) => ok(c, await createWithdrawalIndex(c.env.DB).stats(filterOf(c.req.valid("query")))));

  app.openapi(verify, async (c) => ok(c, await c.var.services.wallet.reconcile(c.req.valid("param").userId)));

  for (const action of ["freeze", "unfreeze"] as const) {
    app.openapi(freezeRoute(action), async (c) => {
      const { userId } = c.req.valid("param");
      // The body is optional, so it is read here rather than by the validator.
      const raw = (await c.req.json().catch(() => ({}))) as { reason?: unknown } | null;
      const reason = typeof raw?.reason === "string" && raw.reason.trim() !== "" ? raw.reason.trim().slice(0, 500) : null;
      if (raw?.reason !== undefined && reason === null)
        throw new ApiError("INVALID_PARAMETER", "invalid parameters", { details: { "json.reason": "must be a non-empty string" } });
      const result = await c.var.services.wallet.setFrozen(userId, action === "freeze", reason, authOf(c).user_id);
      if (result.changed) await audit(c, `wallet.${action}`, `user:${userId}`, { reason });
      if (result.changed && action === "freeze")
        await notifyUser(c.var.services, { eventId: `wallet_frozen:${userId}:${Date.now()}`, event: "wallet_frozen", userId, details: reason ? { reason } : {} });
      return ok(c, result.wallet, result.changed ? `wallet ${action === "freeze" ? "frozen" : "unfrozen"}` : "unchanged");
    });
  }
}
