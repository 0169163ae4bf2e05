import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AlertInbox, AlertmanagerWebhookSchema, StoredAlertSchema } from "../alerts/inbox";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { dependencyCall } from "../lib/dependency";
import { sameSecret } from "../../contract/crypto/same-secret";
import { bearerToken, requireAuth } from "../middleware/auth";
import { PagingQuerySchema, toWindow } from "./paging";

const BASE = "/api/v1/admin/alerts";
const errors = { ...authErrorResponses, ...commonErrorResponses };

/** The webhook's own security scheme: Alertmanager's shared token, not a user JWT (bearerAuth would tell clients the wrong credential). */
const ALERT_WEBHOOK_SCHEME = "alertWebhookToken";

/** Secrets shorter than this are treated as unset: the webhook then refuses every call. */
const MIN_TOKEN_LENGTH = 16;

/** The inbox, capped at the runtime config's `alerts.inboxMaxAlerts`. */
async function inbox(c: Context<AppEnv>): Promise<AlertInbox> {
  const { alerts } = (await c.var.services.runtimeConfig()).document;
  return new AlertInbox(c.var.services.redis, alerts.inboxMaxAlerts);
}

const webhook = createRoute({
  method: "post",
  path: `${BASE}/webhook`,
  tags: ["admin"],
  summary: "Alertmanager webhook receiver: stores alerts in the admin inbox (bearer ALERT_WEBHOOK_TOKEN)",
  security: [{ [ALERT_WEBHOOK_SCHEME]: [] }],
  request: { body: { required: true, content: { "application/json": { schema: AlertmanagerWebhookSchema } } } },
  responses: {
    200: jsonContent(envelopeOf(z.object({ stored: z.number().int() })), "Stored"),
    401: errorResponse("Missing, malformed or wrong webhook token (codes 1002, 2009, 2010)"),
    ...commonErrorResponses,
  },
});

const list = createRoute({
  method: "get",
  path: BASE,
  tags: ["admin"],
  summary: "Alerts received from Alertmanager, newest first (latest state per alert)",
  security: [{ bearerAuth: [] }],
  request: { query: PagingQuerySchema.extend({ status: z.enum(["firing", "resolved"]).optional() }) },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(StoredAlertSchema)), "Alerts"), ...errors },
});

/**
 * The admin alert inbox: Alertmanager posts to the webhook with its own token
 * (never a user JWT), admins list what arrived. Registered before the other
 * admin routes' middleware would see the webhook path.
 */
export function registerAdminAlertRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", ALERT_WEBHOOK_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "ALERT_WEBHOOK_TOKEN, the token Alertmanager sends (never a user JWT)",
  });
  app.use(`${BASE}/webhook`, async function requireAlertWebhookToken(c, next) {
    const expected = c.env.ALERT_WEBHOOK_TOKEN ?? "";
    const given = bearerToken(c.req.header("Authorization"));
    if (expected.length < MIN_TOKEN_LENGTH || !sameSecret(given, expected)) throw new ApiError("UNAUTHORIZED", "invalid alert webhook token");
    await next();
  });
  app.use(BASE, requireAuth({ roles: ["admin"], policy: "strict" }));

  app.openapi(webhook, async (c) => {
    const target = await inbox(c);
    const stored = await dependencyCall("redis", () => target.record(c.req.valid("json"), Date.now()));
    return ok(c, { stored });
  });

  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const window = toWindow(query);
    const target = await inbox(c);
    const { alerts, total } = await dependencyCall("redis", () => target.list({ status: query.status, offset: window.offset, limit: window.limit }));
    return okPage(c, alerts, paginate(total, window.page, window.pageSize));
  });
}
