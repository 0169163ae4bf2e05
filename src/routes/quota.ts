import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, bearerToken, requireAuth } from "../middleware/auth";
import { createStreamTickets } from "../auth/stream-tickets";
import { runtimeSetting } from "../runtime-config/cache";
import { QuotaTypeSchema } from "../../contract/quota/inputs";
import { planRole, policyArgFor, setQuotaHeaders } from "../quota/service";
import { quotaClient } from "../../durable-objects/quota/client";
import { LedgerEntrySchema, QuotaStatisticsSchema, QuotaViewSchema } from "../../contract/quota/views";
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
  summary: "WebSocket: a snapshot on connect, then every level change. Browsers pass a single-use ?ticket= from POST …/stream/ticket",
  security,
  request: {
    query: z.object({ ticket: z.string().max(128).optional().openapi({ description: "A stream ticket (valid 30 s, once); never an access token" }) }),
  },
  responses: { 101: { description: "Switching to WebSocket" }, 426: errorResponse("Not a WebSocket upgrade (code 1010)"), ...errors },
});

const TicketSchema = z.object({ ticket: z.string(), expires_in: z.number().int().openapi({ description: "Seconds the ticket can be used, once" }) });

const streamTicket = createRoute({
  method: "post",
  path: `${BASE}/stream/ticket`,
  tags: ["quota"],
  summary: "A single-use ticket for opening the quota stream from a browser (?ticket=), valid 30 s",
  security,
  responses: { 200: jsonContent(envelopeOf(TicketSchema), "Ticket"), ...errors },
});

/** The caller's own quota: reads, ledger and the live stream. */
export function registerQuotaRoutes(app: OpenAPIHono<AppEnv>): void {
  // Browsers cannot set headers on a WebSocket: the stream takes a single-use ticket from the query
  // string instead, never a JWT (URLs reach logs). The token it stands for is then checked as usual.
  app.use(`${BASE}/stream`, async (c, next) => {
    const ticket = c.req.query("ticket");
    if (ticket !== undefined && !c.req.header("Authorization")) {
      const token = await createStreamTickets(c.var.services.redis).redeem(ticket);
      if (!token) throw new ApiError("TOKEN_INVALID", "stream ticket invalid, expired or already used");
      const headers = new Headers(c.req.raw.headers);
      headers.set("Authorization", `Bearer ${token}`);
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
  });
  for (const path of [BASE, `${BASE}/all`, `${BASE}/statistics`, `${BASE}/transactions`, `${BASE}/stream`, `${BASE}/stream/ticket`])
    app.use(path, requireAuth());

  app.openapi(streamTicket, async (c) => {
    const ttlSeconds = await runtimeSetting(c.var.services, (doc) => doc.auth.streamTicketTtlSeconds);
    const ticket = await createStreamTickets(c.var.services.redis).issue(bearerToken(c.req.header("Authorization")), ttlSeconds);
    c.header("Cache-Control", "no-store");
    return ok(c, { ticket, expires_in: ttlSeconds }, "stream ticket issued");
  });

  app.openapi(getQuota, async (c) => {
    const claims = authOf(c);
    const policy = await policyArgFor(c, planRole(claims.roles));
    const quota = await quotaClient(c.env, claims.user_id, c.var.metrics).getQuota({ quotaType: c.req.valid("query").type }, policy);
    setQuotaHeaders(c, quota);
    return ok(c, quota);
  });

  app.openapi(getAll, async (c) => {
    const claims = authOf(c);
    const { quotas } = await quotaClient(c.env, claims.user_id, c.var.metrics).getAllQuotas(await policyArgFor(c, planRole(claims.roles)));
    return ok(c, quotas);
  });

  app.openapi(statistics, async (c) => {
    const claims = authOf(c);
    return ok(c, await quotaClient(c.env, claims.user_id, c.var.metrics).getStatistics(await policyArgFor(c, planRole(claims.roles))));
  });

  app.openapi(transactions, async (c) => {
    const claims = authOf(c);
    const window = toWindow(c.req.valid("query"));
    const page = await quotaClient(c.env, claims.user_id, c.var.metrics).listTransactions(
      { limit: window.limit, offset: window.offset },
      await policyArgFor(c, planRole(claims.roles)),
    );
    return okPage(c, page.items, paginate(page.total, window.page, window.pageSize));
  });

  app.openapi(stream, async (c) => {
    const claims = authOf(c);
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket")
      throw new ApiError("UPGRADE_REQUIRED", "this endpoint speaks WebSocket only", { headers: { Upgrade: "websocket" } });
    const counter = quotaClient(c.env, claims.user_id, c.var.metrics);
    // Brings the snapshot up to the caller's current policy before the socket opens.
    await counter.getAllQuotas(await policyArgFor(c, planRole(claims.roles)));
    return counter.fetch(c.req.raw) as unknown as ReturnType<typeof ok>;
  });
}
