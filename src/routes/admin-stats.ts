import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AdminStatsSchema, computeAdminStats } from "../admin/stats";
import { cacheKeys, loadCacheConfig } from "../cache";
import type { AppEnv } from "../env";
import { authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { requireAuth } from "../middleware/auth";

const PATH = "/api/v1/admin/stats";

const stats = createRoute({
  method: "get",
  path: PATH,
  tags: ["admin"],
  summary: "Users, quota use and withdrawals, computed from the stored data and reused for CACHE_STATS_TTL_SECONDS",
  security: [{ bearerAuth: [] }],
  request: {
    query: z.object({
      refresh: z.enum(["true", "false"]).default("false").openapi({ description: "true: compute now instead of reusing the cached numbers" }),
    }),
  },
  responses: { 200: jsonContent(envelopeOf(AdminStatsSchema), "Statistics"), ...authErrorResponses, ...commonErrorResponses },
});

/** The admin statistics (role admin, strict revocation policy). */
export function registerAdminStatsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(PATH, requireAuth({ roles: ["admin"], policy: "strict" }));
  app.openapi(stats, async (c) => {
    const { services } = c.var;
    const { document } = await services.runtimeConfig();
    const data = await services.cache.getOrLoad(
      cacheKeys.adminStats,
      () => computeAdminStats({ users: services.users, db: c.env.DB, timeZone: document.quota.timeZone }),
      { name: "admin_stats", ttlSeconds: loadCacheConfig(c.env).statsTtlSeconds, refresh: c.req.valid("query").refresh === "true" },
    );
    return ok(c, data);
  });
}
