import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { openapiWithAliases, type ClientAlias } from "../lib/client-alias";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { quotaClient } from "../../durable-objects/quota/client";
import { AccountNoticeNotificationSchema, InboxNotificationSchema, QuotaNotificationSchema } from "../../contract/quota/views";
import { PagingQuerySchema, toWindow } from "./paging";

const BASE = "/api/v1/notifications";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };
/** The web client's notification module (`getNotifications`, `markAsRead`, …); its service file uses PUT where the API file uses POST. */
const SERVICE_CLIENT = "src/modules/notification/services/notification.service.ts";

/**
 * The list as the web client's notification centre reads it: `data.items`
 * and `data.total` (src/modules/notification/api/notifications.ts), with the
 * page, the page size and the unread count beside them.
 */
const NotificationPageSchema = z
  .object({
    items: z.array(InboxNotificationSchema),
    total: z.number().int().openapi({ description: "Notifications matching the filter" }),
    page: z.number().int(),
    page_size: z.number().int(),
    unread: z.number().int().openapi({ description: "Unread notifications in the whole inbox" }),
  })
  .openapi("NotificationPage");

const MarkedReadSchema = z.union([
  QuotaNotificationSchema.extend({ success: z.literal(true) }),
  AccountNoticeNotificationSchema.extend({ success: z.literal(true) }),
]);

const CountSchema = z.object({ success: z.literal(true), count: z.number().int(), affected: z.number().int().openapi({ description: "Same as count" }) });

const list = createRoute({
  method: "get",
  path: BASE,
  tags: ["notifications"],
  summary: "The caller's notifications (quota levels; password, recharge, withdrawal and wallet notices), newest first",
  security,
  request: {
    query: PagingQuerySchema.extend({
      unread: z.enum(["true", "false"]).optional(),
      status: z.enum(["unread", "read"]).optional().openapi({ description: "`unread`: only unread (as `unread=true`); `read`: every notification" }),
    }),
  },
  responses: { 200: jsonContent(envelopeOf(NotificationPageSchema), "A page of notifications"), ...errors },
});

const markRead = createRoute({
  method: "post",
  path: `${BASE}/{id}/read`,
  tags: ["notifications"],
  summary: "Mark one notification read",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonContent(envelopeOf(MarkedReadSchema), "Marked read"), ...errors },
});

const unreadCount = createRoute({
  method: "get",
  path: `${BASE}/unread-count`,
  tags: ["notifications"],
  summary: "How many notifications are unread (the bell's badge)",
  security,
  responses: { 200: jsonContent(envelopeOf(z.object({ count: z.number().int() })), "Unread count"), ...errors },
});

const stats = createRoute({
  method: "get",
  path: `${BASE}/stats`,
  tags: ["notifications"],
  summary: "Total, unread and a count per kind (`quota_level` always, other kinds once the inbox has one)",
  security,
  responses: {
    200: jsonContent(envelopeOf(z.object({ total: z.number().int(), unread: z.number().int(), by_type: z.record(z.string(), z.number().int()) })), "Counts"),
    ...errors,
  },
});

const readAll = createRoute({
  method: "post",
  path: `${BASE}/read-all`,
  tags: ["notifications"],
  summary: "Mark every notification read",
  security,
  responses: { 200: jsonContent(envelopeOf(CountSchema), "How many changed"), ...errors },
});

const batchRead = createRoute({
  method: "post",
  path: `${BASE}/batch-read`,
  tags: ["notifications"],
  summary: "Mark the listed notifications read (unknown or already read ids are skipped)",
  security,
  request: {
    body: { required: true, content: { "application/json": { schema: z.object({ notification_ids: z.array(z.uuid()).min(1).max(100) }) } } },
  },
  responses: { 200: jsonContent(envelopeOf(CountSchema), "How many changed"), ...errors },
});

const counted = (count: number) => ({ success: true as const, count, affected: count });
const putAlias = (path: string): ClientAlias[] => [{ path: `${BASE}${path}`, method: "put", client: SERVICE_CLIENT }];

/** The notification inbox; notifications (quota levels and account notices) are stored durably in the user's QuotaCounter. */
export function registerNotificationRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(BASE, requireAuth());
  app.use(`${BASE}/*`, requireAuth());

  // Fixed paths before `/{id}/read`, so `unread-count` is never taken for an id.
  app.openapi(unreadCount, async (c) => {
    const page = await quotaClient(c.env, authOf(c).user_id, c.var.metrics).listNotifications({ limit: 1, offset: 0, unreadOnly: true });
    return ok(c, { count: page.unread });
  });

  app.openapi(stats, async (c) => {
    const page = await quotaClient(c.env, authOf(c).user_id, c.var.metrics).listNotifications({ limit: 1, offset: 0, unreadOnly: false, countByKind: true });
    return ok(c, { total: page.total, unread: page.unread, by_type: { quota_level: 0, ...page.byKind } });
  });

  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const window = toWindow(query);
    const unreadOnly = query.unread === "true" || query.status === "unread";
    const page = await quotaClient(c.env, authOf(c).user_id, c.var.metrics).listNotifications({ limit: window.limit, offset: window.offset, unreadOnly });
    return ok(c, { items: page.items, total: page.total, page: window.page, page_size: window.pageSize, unread: page.unread });
  });

  openapiWithAliases(
    app,
    readAll,
    async (c) => ok(c, counted((await quotaClient(c.env, authOf(c).user_id, c.var.metrics).markAllNotificationsRead()).updated), "all marked read"),
    putAlias("/read-all"),
  );

  app.openapi(batchRead, async (c) => {
    const ids = c.req.valid("json").notification_ids;
    const result = await quotaClient(c.env, authOf(c).user_id, c.var.metrics).markNotificationsRead({ ids });
    return ok(c, counted(result.updated), "marked read");
  });

  openapiWithAliases(
    app,
    markRead,
    async (c) => {
      const result = await quotaClient(c.env, authOf(c).user_id, c.var.metrics).markNotificationRead({ id: c.req.valid("param").id });
      return ok(c, { ...result.notification, success: true as const }, "marked read");
    },
    putAlias("/{id}/read"),
  );
}
