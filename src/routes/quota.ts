import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { QuotaTypeSchema } from "../quota/schemas";
import { planRole, policyArgFor, quotaCounter, setQuotaHeaders, unwrap } from "../quota/service";
import { LedgerEntrySchema, QuotaStatisticsSchema, QuotaViewSchema } from "../quota/views";
import { PagingQuerySchema, toWindow } from "./paging";

const BASE = "/api/v1/ai/quota";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const getQuota = createRoute({
  method: "get",
  path: BASE,
  tags: ["quota"],
  summary: "The caller's quota of one type (daily by default); X-Quota-* headers carry remaining and level",
  security,
  request: { query: z.object({ type: QuotaTypeSchema.default("daily") }) },
  responses: { 200: jsonContent(envelopeOf(QuotaViewSchema), "Quota"), ...errors },
});

const getAll = createRoute({
  method: "get",
  path: `${BASE}/all`,
  tags: ["quota"],
  summary: "All of the caller's quotas",
  security,
  responses: { 200: jsonContent(envelopeOf(z.array(QuotaViewSchema)), "Quotas"), ...errors },
});

const statistics = createRoute({
  method: "get",
  path: `${BASE}/statistics`,
  tags: ["quota"],
  summary: "Usage statistics by type, service and model",
  security,
  responses: { 200: jsonContent(envelopeOf(QuotaStatisticsSchema), "Statistics"), ...errors },
});

const transactions = createRoute({
  method: "get",
  path: `${BASE}/transactions`,
  tags: ["quota"],
  summary: "The caller's quota ledger, newest first (limit/offset or page/page_size)",
  security,
  request: { query: PagingQuerySchema },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(LedgerEntrySchema)), "Ledger page"), ...errors },
});

const stream = createRoute({
  method: "get",
  path: `${BASE}/stream`,
  tags: ["quota"],
  summary: "WebSocket: a snapshot on connect, then every level change. Browsers may pass the token as ?access_token=",
  security,
  request: { query: z.object({ access_token: z.string().max(4096).optional() }) },
  responses: { 101: { description: "Switching to WebSocket" }, 426: errorResponse("Not a WebSocket upgrade (code 1010)"), ...errors },
});

/** The caller's own quota: reads, ledger and the live stream. */
export function registerQuotaRoutes(app: OpenAPIHono<AppEnv>): void {
  // Browsers cannot set headers on a WebSocket: the stream also takes the token from the query string.
  app.use(`${BASE}/stream`, async (c, next) => {
    const token = c.req.query("access_token");
    if (token && !c.req.header("Authorization")) {
      const headers = new Headers(c.req.raw.headers);
      headers.set("Authorization", `Bearer ${token}`);
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  });
  for (const path of [BASE, `${BASE}/all`, `${BASE}/statistics`, `${BASE}/transactions`, `${BASE}/stream`]) app.use(path, requireAuth());

  app.openapi(getQuota, async (c) => {
    const claims = authOf(c);
    const policy = await policyArgFor(c, planRole(claims.roles));
    const quota = unwrap(await quotaCounter(c, claims.user_id).getQuota({ quotaType: c.req.valid("query").type }, policy));
    setQuotaHeaders(c, quota);
    return ok(c, quota);
  });

  app.openapi(getAll, async (c) => {
    const claims = authOf(c);
    const { quotas } = unwrap(await quotaCounter(c, claims.user_id).getAllQuotas(await policyArgFor(c, planRole(claims.roles))));
    return ok(c, quotas);
  });

  app.openapi(statistics, async (c) => {
    const claims = authOf(c);
    return ok(c, unwrap(await quotaCounter(c, claims.user_id).getStatistics(await policyArgFor(c, planRole(claims.roles)))));
  });

  app.openapi(transactions, async (c) => {
    const claims = authOf(c);
    const window = toWindow(c.req.valid("query"));
    const page = unwrap(
      await quotaCounter(c, claims.user_id).listTransactions({ limit: window.limit, offset: window.offset }, await policyArgFor(c, planRole(claims.roles))),
    );
    return okPage(c, page.items, paginate(page.total, window.page, window.pageSize));
  });

  app.openapi(stream, async (c) => {
    const claims = authOf(c);
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
      throw new ApiError("UPGRADE_REQUIRED", "this endpoint speaks WebSocket only", { headers: { Upgrade: "websocket" } });
    const counter = quotaCounter(c, claims.user_id);
    // Brings the snapshot up to the caller's current policy before the socket opens.
    unwrap(await counter.getAllQuotas(await policyArgFor(c, planRole(claims.roles))));
    return counter.fetch(c.req.raw) as unknown as ReturnType<typeof ok>;
  });
}
