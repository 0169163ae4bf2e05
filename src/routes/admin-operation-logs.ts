import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { createOperationLog } from "../admin/operation-log";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { jsonContent, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { requireAuth } from "../middleware/auth";

const PATH = "/api/v1/admin/operation-logs";

const OperationSchema = z
  .object({
    id: z.string(),
    adminId: z.string(),
    action: z.string().openapi({ example: "config.patch" }),
    target: z.string().nullable(),
    details: z.unknown(),
    requestId: z.string().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AdminOperation");

const list = createRoute({
  method: "get",
  path: PATH,
  tags: ["admin"],
  summary: "Every admin action, newest first (append-only)",
  security: [{ bearerAuth: [] }],
  request: {
    query: z.object({
      admin_id: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
      target: z.string().max(128).optional(),
      from: z.iso.datetime().optional().openapi({ description: "Only actions at or after this time" }),
      to: z.iso.datetime().optional(),
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      page_size: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Default 20" }),
      pageSize: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Alias of page_size" }),
    }),
  },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(OperationSchema)), "Admin actions"), ...authErrorResponses, ...commonErrorResponses },
});

/** The admin operation log listing (role admin). */
export function registerAdminOperationLogRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(PATH, requireAuth({ roles: ["admin"], policy: "strict" }));
  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const pageSize = query.page_size ?? query.pageSize ?? 20;
    const { items, total } = await createOperationLog(c.env.DB).list(
      {
        adminId: query.admin_id,
        action: query.action,
        target: query.target,
        from: query.from ? Date.parse(query.from) : undefined,
        to: query.to ? Date.parse(query.to) : undefined,
      },
      { limit: pageSize, offset: (query.page - 1) * pageSize },
    );
    return okPage(
      c,
      items.map((item) => ({ ...item, createdAt: new Date(item.createdAt).toISOString() })),
      paginate(total, query.page, pageSize),
    );
  });
}
