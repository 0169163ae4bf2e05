import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { quotaCounter, unwrap } from "../quota/service";
import { QuotaNotificationSchema } from "../quota/views";
import { PagingQuerySchema, toWindow } from "./paging";

const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const list = createRoute({
  method: "get",
  path: "/api/v1/notifications",
  tags: ["notifications"],
  summary: "The caller's notifications (quota warnings, critical levels, exhaustion), newest first",
  security,
  request: { query: PagingQuerySchema.extend({ unread: z.enum(["true", "false"]).optional() }) },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(QuotaNotificationSchema)), "Notifications"), ...errors },
});

const markRead = createRoute({
  method: "post",
  path: "/api/v1/notifications/{id}/read",
  tags: ["notifications"],
  summary: "Mark one notification read",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonContent(envelopeOf(QuotaNotificationSchema), "Marked read"), ...errors },
});

/** The notification inbox; notifications are stored durably in the user's QuotaCounter. */
export function registerNotificationRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use("/api/v1/notifications", requireAuth());
  app.use("/api/v1/notifications/*", requireAuth());

  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const window = toWindow(query);
    const page = unwrap(
      await quotaCounter(c, authOf(c).user_id).listNotifications({ limit: window.limit, offset: window.offset, unreadOnly: query.unread === "true" }),
    );
    return okPage(c, page.items, paginate(page.total, window.page, window.pageSize));
  });

  app.openapi(markRead, async (c) => {
    const result = unwrap(await quotaCounter(c, authOf(c).user_id).markNotificationRead({ id: c.req.valid("param").id }));
    return ok(c, result.notification, "marked read");
  });
}
