import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { cacheKeys, cacheTags, loadCacheConfig } from "../cache";
import { AdminUserSchema, toAdminUser, UserIdParamSchema, UserListQuerySchema, UserListSchema, type AdminUser } from "../admin/user-views";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { requireAuth } from "../middleware/auth";
import { registerAdminUserActionRoutes } from "./admin-users-actions";

const BASE = "/api/v1/admin/users";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const list = createRoute({
  method: "get",
  path: BASE,
  tags: ["admin"],
  summary: "Accounts, newest first, filtered by keyword (username, email, nickname), status and role",
  security,
  request: { query: UserListQuerySchema },
  responses: { 200: jsonContent(paginatedEnvelopeOf(UserListSchema), "One page of accounts"), ...errors },
});

const detail = createRoute({
  method: "get",
  path: `${BASE}/{id}`,
  tags: ["admin"],
  summary: "One account (cached; every write to the account invalidates it)",
  security,
  request: { params: UserIdParamSchema },
  responses: { 200: jsonContent(envelopeOf(AdminUserSchema), "The account"), ...errors },
});

/** A cached view must not outlive the ban it shows: a ban ending sooner than the TTL bounds the entry. */
function ttlFor(ttlSeconds: number) {
  return (user: AdminUser) => (user.bannedUntil === null ? ttlSeconds : Math.min(ttlSeconds, Math.floor((Date.parse(user.bannedUntil) - Date.now()) / 1000)));
}

/** The admin console's user management (role admin, strict revocation policy); changes are in the operation log. */
export function registerAdminUserRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(BASE, requireAuth({ roles: ["admin"], policy: "strict" }));
  app.use(`${BASE}/*`, requireAuth({ roles: ["admin"], policy: "strict" }));

  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const size = query.size ?? query.page_size ?? query.pageSize ?? 20;
    const { users, total } = await c.var.services.users.list(
      { keyword: query.keyword, status: query.status, role: query.role },
      { limit: size, offset: (query.page - 1) * size },
      Date.now(),
    );
    return okPage(c, { users: users.map(toAdminUser), total, page: query.page, size }, paginate(total, query.page, size));
  });

  app.openapi(detail, async (c) => {
    const { id } = c.req.valid("param");
    const { services } = c.var;
    const user = await services.cache.getOrLoad(
      cacheKeys.adminUser(id),
      async () => {
        const record = await services.users.findById(id);
        return record ? toAdminUser(record) : undefined;
      },
      { name: "admin_user", ttlSeconds: ttlFor(loadCacheConfig(c.env).profileTtlSeconds), tags: [cacheTags.user(id)] },
    );
    if (!user) throw new ApiError("NOT_FOUND", `no user ${id}`);
    return ok(c, user);
  });

  registerAdminUserActionRoutes(app);
}
