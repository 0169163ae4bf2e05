import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { commonErrorResponses } from "../errors";
import { jsonContent } from "../lib/envelope";
import { checkAll, type HealthReport } from "../services/health";

const HealthStatusSchema = z.enum(["healthy", "degraded", "unhealthy"]);

/** One dependency's line in a health report. */
export const HealthCheckResultSchema = z
  .object({
    name: z.string().openapi({ example: "redis" }),
    kind: z.enum(["dependency", "durable_object"]),
    critical: z.boolean().openapi({ description: "When a critical check is unhealthy the whole service is" }),
    version: z.string(),
    status: HealthStatusSchema,
    latency_ms: z.number().int(),
    message: z.string().optional().openapi({ description: "Why the check failed" }),
  })
  .openapi("HealthCheckResult");

/** The aggregated health report. */
export const HealthReportSchema = z
  .object({
    status: HealthStatusSchema,
    version: z.string(),
    environment: z.string(),
    checkedAt: z.string().openapi({ format: "date-time" }),
    checks: z.array(HealthCheckResultSchema),
  })
  .openapi("HealthReport");

/** Runs every health check of this request's services. */
export function runHealthChecks(c: Context<AppEnv>): Promise<HealthReport> {
  return checkAll(c.var.services.healthChecks(), { version: c.var.config.APP_VERSION, environment: c.var.config.ENVIRONMENT });
}

const live = createRoute({
  method: "get",
  path: "/health/live",
  tags: ["health"],
  summary: "Liveness: the Worker runs (no dependency is checked)",
  responses: {
    200: jsonContent(z.object({ status: z.literal("alive"), version: z.string() }), "The Worker is running"),
    ...commonErrorResponses,
  },
});

const readinessResponses = {
  200: jsonContent(HealthReportSchema, "Healthy or degraded: can serve traffic"),
  503: jsonContent(HealthReportSchema, "Unhealthy: a critical dependency is down"),
};

const ready = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["health"],
  summary: "Readiness: Redis, D1 and every Durable Object namespace",
  responses: readinessResponses,
});

const full = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Same report as /health/ready",
  responses: readinessResponses,
});

/** Registers /health/live, /health/ready and /health (bare JSON, for load balancers and probes). */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(live, (c) => c.json({ status: "alive" as const, version: c.var.config.APP_VERSION }, 200));
  const readiness = async (c: Context<AppEnv>) => {
    const report = await runHealthChecks(c);
    c.header("Cache-Control", "no-store");
    return report.status === "unhealthy" ? c.json(report, 503) : c.json(report, 200);
  };
  app.openapi(ready, readiness);
  app.openapi(full, readiness);
}
