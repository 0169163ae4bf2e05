import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { trackQuotaActivity } from "../admin/quota-activity";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { requireServiceToken } from "../middleware/service-auth";
import type { ConsumeResult, ReserveResult } from "../../contract/quota/results";
import { CommitBodySchema, ConsumeInputSchema, ReservationIdSchema, ReserveInputSchema } from "../../contract/quota/inputs";
import { creditsModelLabel, declineError, planRoleOfUser, policyArgFor, resolvedPolicy, setQuotaHeaders } from "../quota/service";
import { quotaClient } from "../../durable-objects/quota/client";
import { PricedChargeSchema, QuotaEventSchema, QuotaViewSchema, ReservationViewSchema, type QuotaEvent, type QuotaView } from "../../contract/quota/views";

const BASE = "/api/v1/internal/quota/{userId}";
const security = [{ serviceToken: [] }];
const errors = {
  ...authErrorResponses,
  ...commonErrorResponses,
  403: errorResponse("Quota suspended (code 4031)"),
  409: errorResponse("requestId reused with different parameters (code 1006)"),
  422: errorResponse("A priced call for a model the price table refuses (code 4221)"),
  429: errorResponse("Quota insufficient (4291) or exhausted (4292); Retry-After until the reset"),
};
const userParam = z.object({ userId: z.string().min(1).max(64).openapi({ description: "The user whose quota is spent" }) });
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });

const DecisionSchema = z.object({
  outcome: z.literal("ok"),
  requestId: z.string(),
  quotaType: z.string(),
  amount: z.number().int(),
  charged: z.number().int().optional(),
  transactionId: z.string().nullable(),
  priced: PricedChargeSchema.nullable().optional().openapi({ description: "The priced call behind `amount` (credits), null for a plain amount" }),
  replayed: z.boolean(),
  quota: QuotaViewSchema,
  events: z.array(QuotaEventSchema),
  reservation: ReservationViewSchema.nullable().optional(),
});

const consume = createRoute({
  method: "post",
  path: `${BASE}/consume`,
  tags: ["internal"],
  summary: "Charge tokens atomically; requestId makes replays free",
  security,
  request: { params: userParam, ...json(ConsumeInputSchema) },
  responses: { 200: jsonContent(envelopeOf(DecisionSchema), "Charged"), ...errors },
});
const reserve = createRoute({
  method: "post",
  path: `${BASE}/reservations`,
  tags: ["internal"],
  summary: "Hold an estimate until commit, release or TTL",
  security,
  request: { params: userParam, ...json(ReserveInputSchema) },
  responses: { 201: jsonContent(envelopeOf(DecisionSchema), "Reserved"), ...errors },
});
const commit = createRoute({
  method: "post",
  path: `${BASE}/reservations/{reservationId}/commit`,
  tags: ["internal"],
  summary: "Charge the actual amount and release the rest (overage is charged up to what remains, the rest recorded)",
  security,
  request: { params: userParam.extend({ reservationId: ReservationIdSchema }), ...json(CommitBodySchema) },
  responses: {
    200: jsonContent(
      envelopeOf(
        z.object({
          reservation: ReservationViewSchema,
          charged: z.number().int(),
          overage: z.number().int(),
          priced: PricedChargeSchema.nullable().optional(),
          quota: QuotaViewSchema,
        }),
      ),
      "Committed",
    ),
    ...errors,
  },
});
const release = createRoute({
  method: "delete",
  path: `${BASE}/reservations/{reservationId}`,
  tags: ["internal"],
  summary: "Return a whole reservation",
  security,
  request: { params: userParam.extend({ reservationId: ReservationIdSchema }) },
  responses: {
    200: jsonContent(envelopeOf(z.object({ reservation: ReservationViewSchema, released: z.number().int(), quota: QuotaViewSchema })), "Released"),
    ...errors,
  },
});
/**
 * Metrics of a quota change. A replay changed nothing, so it is not counted
 * again (its events were counted the first time).
 */
function countChange(c: Context<AppEnv>, change: { quota: QuotaView; events: QuotaEvent[]; replayed: boolean }, charged: number, modelLabel = "other"): void {
  if (change.replayed) return;
  trackQuotaActivity(c, change.quota, charged);
  const metrics = c.get("metrics");
  if (charged > 0) {
    metrics.inc("qingyu_quota_tokens_consumed_total", { quota_type: change.quota.quotaType }, charged);
    metrics.inc("qingyu_quota_credits_charged_total", { model: modelLabel }, charged);
  }
  for (const event of change.events) metrics.inc("qingyu_quota_threshold_events_total", { level: event.level });
  if (!change.quota.unlimited && change.quota.totalQuota > 0)
    metrics.observe("qingyu_quota_remaining_ratio", { quota_type: change.quota.quotaType }, change.quota.remainingQuota / change.quota.totalQuota);
}

function countDecision(c: Context<AppEnv>, decision: ConsumeResult | ReserveResult, modelLabel: string): void {
  if (decision.replayed) return;
  if ("charged" in decision) c.get("metrics").inc("qingyu_quota_consume_total", { quota_type: decision.quotaType, result: decision.outcome });
  else if (decision.outcome === "ok") c.get("metrics").inc("qingyu_quota_reservations_total", { event: "created" });
  countChange(c, decision, "charged" in decision ? decision.charged : 0, modelLabel);
}

/** A consume or reserve decision: headers always; a decline becomes its error. */
function decide<T extends ConsumeResult | ReserveResult>(c: Context<AppEnv>, decision: T, modelLabel = "other"): T & { outcome: "ok" } {
  setQuotaHeaders(c, decision.quota);
  countDecision(c, decision, modelLabel);
  // A replay returns the original decision; the header tells the caller nothing new was charged.
  if (decision.replayed) c.header("Idempotent-Replayed", "true");
  if (decision.outcome !== "ok") throw declineError(decision.outcome, decision.quota);
  return decision as T & { outcome: "ok" };
}

/** Routes for the AI service that spends users' quota (service token, never a user JWT). */
export function registerInternalQuotaRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "serviceToken", { type: "http", scheme: "bearer", description: "AI_SERVICE_TOKEN" });
  app.use("/api/v1/internal/quota/*", requireServiceToken());

  app.openapi(consume, async (c) => {
    const { userId } = c.req.valid("param");
    const policy = await resolvedPolicy(c, await planRoleOfUser(c, userId));
    const input = c.req.valid("json");
    const decision = await quotaClient(c.env, userId, c.var.metrics).consume(input, policy.text);
    return ok(c, decide(c, decision, creditsModelLabel(policy.policy, decision.priced?.model ?? input.model)));
  });

  app.openapi(reserve, async (c) => {
    const { userId } = c.req.valid("param");
    const policy = await policyArgFor(c, await planRoleOfUser(c, userId));
    const decision = decide(c, await quotaClient(c.env, userId, c.var.metrics).reserve(c.req.valid("json"), policy));
    return c.json({ code: 0 as const, message: "reserved", data: decision, timestamp: Date.now(), request_id: c.get("requestId") }, 201);
  });

  app.openapi(commit, async (c) => {
    const { userId, reservationId } = c.req.valid("param");
    const policy = await resolvedPolicy(c, await planRoleOfUser(c, userId));
    const result = await quotaClient(c.env, userId, c.var.metrics).commit({ ...c.req.valid("json"), reservationId }, policy.text);
    setQuotaHeaders(c, result.quota);
    if (!result.replayed) c.get("metrics").inc("qingyu_quota_reservations_total", { event: "committed" });
    countChange(c, result, result.charged, creditsModelLabel(policy.policy, result.priced?.model ?? result.reservation.model));
    return ok(c, result, "committed");
  });

  app.openapi(release, async (c) => {
    const { userId, reservationId } = c.req.valid("param");
    const policy = await policyArgFor(c, await planRoleOfUser(c, userId));
    const result = await quotaClient(c.env, userId, c.var.metrics).release({ reservationId }, policy);
    setQuotaHeaders(c, result.quota);
    if (!result.replayed) c.get("metrics").inc("qingyu_quota_reservations_total", { event: "released" });
    if (!result.replayed) trackQuotaActivity(c, result.quota, 0);
    return ok(c, result, "released");
  });
}
