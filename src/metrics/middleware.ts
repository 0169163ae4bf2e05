import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { routeTemplate } from "../lib/route-template";
import { jsonResponseBytes } from "../middleware/response-headers";
import { NO_METRICS } from "./api";
import { loadMetricsConfig } from "./config";
import { HTTP_METHODS, STATUS_CLASSES } from "../../contract/metrics/definitions";
import { cachedRuntimeConfig, getRuntimeConfig } from "../runtime-config/cache";
import { activeRecorder, configureIsolateMetrics } from "./isolate";
import type { FlushContext, MetricsPipeline } from "./pipeline";
import { HttpMetrics } from "./http";
import { metricsShard } from "../../durable-objects/metrics-shard/client";

type StatusClass = (typeof STATUS_CLASSES)[number];

const KNOWN_METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);

/** Options of the metrics middleware. */
export interface MetricsMiddlewareOptions {
  /** Use this pipeline instead of the isolate's (tests); null records nothing. */
  pipeline?: MetricsPipeline | null;
}

function statusClass(status: number): StatusClass {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? (`${hundreds}xx` as StatusClass) : "5xx";
}

function requestBytes(c: Context): number | undefined {
  const declared = c.req.header("content-length");
  if (declared !== undefined) {
    const bytes = Number(declared);
    return Number.isFinite(bytes) && bytes >= 0 ? bytes : undefined;
  }
  return c.req.raw.body === null ? 0 : undefined;
}

/** Response body size: as our `c.json` sent it (src/middleware/response-headers.ts), else from Content-Length; bodies without one (streams, WebSocket upgrades) are not measured. */
function responseBytes(c: Context): number | undefined {
  // Reading `body` or a header of a Response crosses into the runtime; the JSON envelope's size is already known.
  const sent = jsonResponseBytes(c);
  if (sent !== undefined) return sent;
  const response = c.res;
  if (response.body === null) return response.status === 101 ? undefined : 0;
  const declared = response.headers.get("content-length");
  return declared === null ? undefined : Number(declared);
}

function flushContext(c: Context<AppEnv>): FlushContext | undefined {
  let waitUntil: FlushContext["waitUntil"];
  try {
    const ctx = c.executionCtx;
    waitUntil = (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined; // app.request() in tests has no execution context
  }
  return { waitUntil, shard: (index) => metricsShard(c.env, index) };
}

const httpMetrics = new WeakMap<MetricsPipeline, HttpMetrics>();

/** The HTTP families' recorder of a pipeline (one per isolate in production). */
function httpMetricsOf(pipeline: MetricsPipeline): HttpMetrics {
  let recorder = httpMetrics.get(pipeline);
  if (!recorder) {
    recorder = new HttpMetrics(pipeline.buffer);
    httpMetrics.set(pipeline, recorder);
  }
  return recorder;
}

/**
 * Records the HTTP families (requests, duration, request and response size,
 * in flight) with the route template and status class as labels, sets
 * `c.var.metrics` for routes, and hands the isolate's batch to `waitUntil`
 * when a flush is due. It sits right after the config middleware, earlier than
 * docs/architecture.md's walk, so that requests answered by CORS preflight or the
 * body limit (413) are counted too. The per-request work is one series lookup
 * (see `HttpMetrics`); the flush context is built only when a flush or timer is due.
 */
export function metrics(options: MetricsMiddlewareOptions = {}): MiddlewareHandler<AppEnv> {
  return async function metrics(c, next) {
    const config = c.get("config");
    const pipeline =
      options.pipeline !== undefined
        ? options.pipeline
        : configureIsolateMetrics(loadMetricsConfig(c.env), { version: config.APP_VERSION, environment: config.ENVIRONMENT });
    if (!pipeline) {
      c.set("metrics", NO_METRICS);
      return next();
    }
    // The recording switch lives in the runtime config; a stale copy is refetched here, at most once per CONFIG_CACHE_TTL_MS.
    // (No config when this middleware runs alone in unit tests: the isolate's last copy decides.)
    if (config && !cachedRuntimeConfig(c.env.CONFIG_STORE, config.CONFIG_CACHE_TTL_MS)) await getRuntimeConfig(c.env.CONFIG_STORE, config.CONFIG_CACHE_TTL_MS);
    const recorder = activeRecorder(pipeline.buffer);
    if (recorder !== pipeline.buffer) {
      // Paused: nothing per request (gauges that routes move still go through the paused view).
      c.set("metrics", recorder);
      return next();
    }
    c.set("metrics", pipeline.buffer);
    const http = httpMetricsOf(pipeline);
    const startedAt = performance.now();
    http.inFlight(1);
    try {
      await next();
    } finally {
      http.inFlight(-1);
      const method = c.req.method;
      http.record(
        KNOWN_METHODS.has(method) ? method : "OTHER",
        routeTemplate(c),
        statusClass(c.res.status),
        (performance.now() - startedAt) / 1000,
        requestBytes(c),
        responseBytes(c),
      );
      pipeline.afterWork(() => flushContext(c));
    }
  };
}
