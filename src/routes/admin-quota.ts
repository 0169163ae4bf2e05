import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createOperationLog } from "../admin/operation-log";
import { trackQuotaActivity } from "../admin/quota-activity";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { RechargeInputSchema, SetTotalInputSchema, SuspensionInputSchema } from "../../contract/quota/inputs";
import { planRoleOfUser, policyArgFor } from "../quota/service";
import { quotaClient } from "../../durable-objects/quota/client";
import { QuotaViewSchema } from "../../contract/quota/views";

const BASE = "/api/v1/admin/quota/{userId}";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };
const params = z.object({ userId: z.string().min(1).max(64) });
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const quotasResponse = { 200: jsonContent(envelopeOf(z.array(QuotaViewSchema)), "The user's quotas"), ...errors };

const getQuotas = createRoute({
  method: "get",
  path: BASE,
  tags: ["admin"],
  summary: "All of a user's quotas",
  security,
  request: { params },
  responses: quotasResponse,
});
const setTotal = createRoute({
  method: "put",
  path: BASE,
  tags: ["admin"],
  summary: "Set a quota type's total (it then no longer follows the role's plan)",
  security,
  request: { params, ...json(SetTotalInputSchema) },
  responses: { 200: jsonContent(envelopeOf(QuotaViewSchema), "Updated"), ...errors },
});
const suspend = createRoute({
  method: "post",
  path: `${BASE}/suspend`,
  tags: ["admin"],
  summary: "Suspend one type or all; sticks until activated",
  security,
  request: { params, body: { required: false, content: { "application/json": { schema: SuspensionInputSchema } } } },
  responses: quotasResponse,
});
const activate = createRoute({
  method: "post",
  path: `${BASE}/activate`,
  tags: ["admin"],
  summary: "Lift a suspension",
  security,
  request: { params, body: { required: false, content: { "application/json": { schema: SuspensionInputSchema } } } },
  responses: quotasResponse,
});
const recharge = createRoute({
  method: "post",
  path: `${BASE}/recharge`,
  tags: ["admin"],
  summary: "Add tokens (idempotent by requestId)",
  security,
  request: { params, ...json(RechargeInputSchema) },
  responses: {
    200: jsonContent(envelopeOf(z.object({ quota: QuotaViewSchema, amount: z.number().int(), transactionId: z.string(), replayed: z.boolean() })), "Recharged"),
    409: errorResponse("requestId already used with different parameters (code 1006)"),
    ...errors,
  },
});

async function audit(c: Context<AppEnv>, action: string, userId: string, details: unknown) {
  await createOperationLog(c.env.DB).record({ adminId: authOf(c).user_id, action, target: `user:${userId}`, details, requestId: c.var.requestId });
}

/** Quota administration (role admin, strict revocation policy); every change is in the operation log. */
export function registerAdminQuotaRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/admin/quota/*", requireAuth({ roles: ["admin"], policy: "strict" }));

  app.openapi(getQuotas, async (c) => {
    const { userId } = c.req.valid("param");
    const policy = await policyArgFor(c, await planRoleOfUser(c, userId));
    return ok(c, (await quotaClient(c.env, userId, c.var.metrics).getAllQuotas(policy)).quotas);
  });

  app.openapi(setTotal, async (c) => {
    const { userId } = c.req.valid("param");
    const body = c.req.valid("json");
    const policy = await policyArgFor(c, await planRoleOfUser(c, userId));
    const result = await quotaClient(c.env, userId, c.var.metrics).setTotal(body, policy);
    trackQuotaActivity(c, result.quota, 0);
    await audit(c, "quota.set_total", userId, body);
    return ok(c, result.quota, "quota updated");
  });

  for (const [route, action] of [
    [suspend, "suspend"],
    [activate, "activate"],
  ] as const) {
    app.openapi(route, async (c) => {
      const { userId } = c.req.valid("param");
      // The body is optional (no body: every type), so it is read and checked here rather than by the validator.
      const parsed = SuspensionInputSchema.safeParse((await c.req.json().catch(() => ({}))) ?? {});
      if (!parsed.success)
        throw new ApiError("INVALID_PARAMETER", "invalid parameters", {
          details: Object.fromEntries(parsed.error.issues.map((issue) => [`json.${issue.path.join(".")}`, issue.message])),
        });
      const input = parsed.data;
      const policy = await policyArgFor(c, await planRoleOfUser(c, userId));
      const counter = quotaClient(c.env, userId, c.var.metrics);
      const result = action === "suspend" ? await counter.suspend(input, policy) : await counter.activate(input, policy);
      for (const quota of result.quotas) trackQuotaActivity(c, quota, 0);
      await audit(c, `quota.${action}`, userId, input);
      return ok(c, result.quotas, `quota ${action}d`);
    });
  }

  app.openapi(recharge, async (c) => {
    const { userId } = c.req.valid("param");
    const body = c.req.valid("json");
    const policy = await policyArgFor(c, await planRoleOfUser(c, userId));
    const result = await quotaClient(c.env, userId, c.var.metrics).recharge(body, policy);
    if (!result.replayed) trackQuotaActivity(c, result.quota, 0);
    if (!result.replayed) await audit(c, "quota.recharge", userId, body);
    return ok(c, { quota: result.quota, amount: result.amount, transactionId: result.transactionId, replayed: result.replayed }, "recharged");
  });
}
