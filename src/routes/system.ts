import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses } from "../errors";
import { authOf, requireAuth } from "../middleware/auth";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { runCheck, type HealthCheckLine, type HealthReport } from "../services/health";
import { HealthCheckResultSchema, HealthReportSchema, runHealthChecks } from "./health";

/**
 * One check as the web client's system module reads it (src/modules/system/api/health.ts
 * `ServiceHealth`: service, status, latency_ms, last_check, error) beside our names.
 */
const ServiceHealthSchema = HealthCheckResultSchema.extend({
  service: z.string().openapi({ description: "Same as name (web client name)" }),
  last_check: z.string().openapi({ format: "date-time", description: "When this check ran" }),
  error: z.string().optional().openapi({ description: "Same as message (web client name)" }),
});

/** The report with the web client's `SystemHealth` fields (timestamp, services) beside ours (checkedAt, checks). */
const SystemHealthSchema = HealthReportSchema.extend({
  timestamp: z.string().openapi({ format: "date-time", description: "Same as checkedAt" }),
  services: z.array(ServiceHealthSchema).openapi({ description: "The checks under the web client's field names" }),
});

function serviceHealthView(line: HealthCheckLine, checkedAt: string) {
  return { ...line, service: line.name, last_check: checkedAt, ...(line.message === undefined ? {} : { error: line.message }) };
}

function systemHealthView(report: HealthReport) {
  return { ...report, timestamp: report.checkedAt, services: report.checks.map((line) => serviceHealthView(line, report.checkedAt)) };
}

const systemHealth = createRoute({
  method: "get",
  path: "/api/v1/system/health",
  tags: ["system"],
  summary: "Health of the whole system, in the Qingyu envelope",
  responses: {
    200: jsonContent(envelopeOf(SystemHealthSchema), "Healthy or degraded"),
    ...commonErrorResponses,
  },
});

const serviceHealth = createRoute({
  method: "get",
  path: "/api/v1/system/health/{service}",
  tags: ["system"],
  summary: "Health of one dependency or Durable Object namespace",
  request: {
    params: z.object({
      service: z.string().min(1).max(64).openapi({ example: "redis", description: "redis, d1, quota_counter, wallet, config_store or metrics_shard" }),
    }),
  },
  responses: {
    200: jsonContent(envelopeOf(ServiceHealthSchema), "The dependency answers"),
    ...commonErrorResponses,
  },
});

const ping = createRoute({
  method: "get",
  path: "/api/v1/system/ping",
  tags: ["system"],
  summary: "No-op: answers without touching any dependency (benchmark baseline)",
  responses: {
    200: jsonContent(envelopeOf(z.object({ pong: z.literal(true) })), "pong"),
    ...commonErrorResponses,
  },
});

const pingAuthenticated = createRoute({
  method: "get",
  path: "/api/v1/system/ping/auth",
  tags: ["system"],
  summary: "Authenticated no-op: the auth middleware's cost alone (benchmark)",
  security: [{ bearerAuth: [] }],
  responses: {
    200: jsonContent(envelopeOf(z.object({ pong: z.literal(true), user_id: z.string() })), "pong"),
    ...authErrorResponses,
    ...commonErrorResponses,
  },
});

/** Registers the Qingyu client's system routes. Unhealthy answers 503 with code 5003 and the report in `data.details`. */
export function registerSystemRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(systemHealth, async (c) => {
    const report = await runHealthChecks(c);
    if (report.status === "unhealthy") {
      throw new ApiError("DEPENDENCY_UNAVAILABLE", "system unhealthy", { details: { report } });
    }
    return ok(c, systemHealthView(report));
  });

  app.openapi(serviceHealth, async (c) => {
    const { service } = c.req.valid("param");
    const checks = c.var.services.healthChecks();
    const check = checks.find((candidate) => candidate.name === service);
    if (!check) {
      throw new ApiError("NOT_FOUND", `unknown service '${service}'`, { details: { known: checks.map((candidate) => candidate.name) } });
    }
    const line = await runCheck(check);
    if (line.status === "unhealthy") throw new ApiError("DEPENDENCY_UNAVAILABLE", `${check.name} unhealthy`, { details: { check: line } });
    return ok(c, serviceHealthView(line, new Date().toISOString()));
  });

  app.openapi(ping, (c) => ok(c, { pong: true as const }));
  app.use("/api/v1/system/ping/auth", requireAuth());
  app.openapi(pingAuthenticated, (c) => ok(c, { pong: true as const, user_id: authOf(c).user_id }));
}
