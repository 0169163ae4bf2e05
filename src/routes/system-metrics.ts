import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses } from "../errors";
import { envelopeOf, jsonContent, ok } from "../lib/envelope";
import { loadMetricsConfig } from "../metrics/config";
import { serviceStats, type ServiceStats } from "../metrics/service-stats";
import { RECENT_TOTALS, type TotalsWindow } from "../../contract/metrics/totals-ring";
import { metricsShard } from "../../durable-objects/metrics-shard/client";
import { requireAuth } from "../middleware/auth";

const BASE = "/api/v1/system/metrics";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

/**
 * One service's numbers as the web client's system module reads them
 * (src/modules/system/api/health.ts: `ServiceMetrics {service, metrics, timestamp}`).
 */
const ServiceMetricsSchema = z
  .object({
    service: z.string().openapi({ example: "wallet" }),
    metrics: z.object({
      requests: z.number().int().openapi({ description: "Requests answered in the window" }),
      request_rate: z.number().openapi({ description: "Requests per second" }),
      errors: z.number().int().openapi({ description: "5xx answers" }),
      error_rate: z.number().openapi({ description: "5xx answers / all answers, 0–1" }),
      client_errors: z.number().int().openapi({ description: "4xx answers" }),
      p50_ms: z.number().nullable().openapi({ description: "Median latency (ms), from the duration histogram; null without requests" }),
      p99_ms: z.number().nullable(),
      window_seconds: z.number().openapi({ description: "How far back the numbers reach: the window asked for, or less when a metrics shard restarted since" }),
    }),
    timestamp: z.string().openapi({ format: "date-time" }),
  })
  .openapi("ServiceMetrics");

const WindowQuerySchema = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(RECENT_TOTALS.maxMinutes)
    .default(RECENT_TOTALS.defaultMinutes)
    .openapi({ description: `The window in minutes (1–${RECENT_TOTALS.maxMinutes}, default ${RECENT_TOTALS.defaultMinutes})` }),
});

const all = createRoute({
  method: "get",
  path: BASE,
  tags: ["system"],
  summary: "Request rate, error rate and p50/p99 latency per service over the last minutes (admin), read from the metrics shards",
  security,
  request: { query: WindowQuerySchema },
  responses: { 200: jsonContent(envelopeOf(z.record(z.string(), z.array(ServiceMetricsSchema))), "By service name"), ...errors },
});

const one = createRoute({
  method: "get",
  path: `${BASE}/{service}`,
  tags: ["system"],
  summary: "One service's request rate, error rate and latency over the last minutes (admin)",
  security,
  request: { params: z.object({ service: z.string().min(1).max(64).openapi({ example: "auth" }) }), query: WindowQuerySchema },
  responses: { 200: jsonContent(envelopeOf(z.array(ServiceMetricsSchema)), "The service's numbers"), ...errors },
});

/** Every shard's window, read in parallel; a shard that fails is left out (its traffic is missing, the answer is not). */
async function recentWindows(c: Context<AppEnv>, minutes: number): Promise<TotalsWindow[]> {
  const { shards } = loadMetricsConfig(c.env);
  const reads = await Promise.allSettled(Array.from({ length: shards }, (_, index) => metricsShard(c.env, index).recentTotals(minutes * 60_000)));
  return reads.flatMap((read) => (read.status === "fulfilled" ? [read.value] : []));
}

function view(stats: ServiceStats, windowSeconds: number, at: string) {
  const { service, ...numbers } = stats;
  return { service, metrics: { ...numbers, window_seconds: windowSeconds }, timestamp: at };
}

async function measured(c: Context<AppEnv>, minutes: number) {
  const windows = await recentWindows(c, minutes);
  const now = Date.now();
  const oldest = Math.min(now, ...windows.map((window) => window.since));
  const windowSeconds = Math.round(Math.min(minutes * 60, (now - oldest) / 1000));
  const at = new Date(now).toISOString();
  return serviceStats(windows).map((stats) => view(stats, windowSeconds, at));
}

/** The client's system metrics routes (admin only: they show traffic and error rates). */
export function registerSystemMetricsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(BASE, requireAuth({ roles: ["admin"] }));
  app.use(`${BASE}/*`, requireAuth({ roles: ["admin"] }));

  app.openapi(all, async (c) => {
    const entries = await measured(c, c.req.valid("query").minutes);
    return ok(c, Object.fromEntries(entries.map((entry) => [entry.service, [entry]])));
  });

  app.openapi(one, async (c) => {
    const { service } = c.req.valid("param");
    const entries = await measured(c, c.req.valid("query").minutes);
    const found = entries.find((entry) => entry.service === service);
    if (!found) throw new ApiError("NOT_FOUND", `no traffic recorded for service '${service}'`, { details: { known: entries.map((entry) => entry.service) } });
    return ok(c, [found]);
  });
}
