import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { routeTemplate } from "../lib/route-template";
import { NO_METRICS } from "./api";
import { loadMetricsConfig } from "./config";
import { HTTP_METHODS, STATUS_CLASSES } from "./definitions";
import { configureIsolateMetrics } from "./isolate";
import type { FlushContext, MetricsPipeline } from "./pipeline";
import { shardName } from "./wire";

type Method = (typeof HTTP_METHODS)[number];
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

/**
 * The response size. Envelope responses are built from a string without a
 * Content-Length, so JSON bodies (small and already in memory) are read once
 * and re-wrapped with their length; other bodies without a length (streams)
 * and WebSocket upgrades are not measured rather than buffered.
 */
async function responseBytes(c: Context): Promise<number | undefined> {
  const response = c.res;
  const declared = response.headers.get("content-length");
  if (declared !== null) return Number(declared);
  if (response.body === null) return 0;
  if (response.status === 101 || !response.headers.get("content-type")?.includes("json")) return undefined;
  const body = await response.arrayBuffer();
  const sized = new Response(body, response);
  sized.headers.set("content-length", String(body.byteLength));
  // Clearing first skips Hono's merge (a second Response and a header copy): `sized` already has every header.
  c.res = undefined;
  c.res = sized;
  return body.byteLength;
}

function flushContext(c: Context<AppEnv>): FlushContext | undefined {
  let waitUntil: FlushContext["waitUntil"];
  try {
    const ctx = c.executionCtx;
    waitUntil = (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined; // app.request() in tests has no execution context
  }
  return { waitUntil, shard: (index) => c.env.METRICS_SHARD.getByName(shardName(index)) };
}

/**
 * Records the HTTP families (requests, duration, request and response size,
 * in flight) with the route template and status class as labels, sets
 * `c.var.metrics` for routes, and hands the isolate's batch to `waitUntil`
 * when a flush is due. It sits right after the config middleware, earlier than
 * ARCHITECTURE.md's sketch, so that requests answered by CORS preflight or the
 * body limit (413) are counted too.
 */
export function metrics(options: MetricsMiddlewareOptions = {}): MiddlewareHandler<AppEnv> {
  return async function metrics(c, next) {
    const pipeline =
      options.pipeline !== undefined
        ? options.pipeline
        : configureIsolateMetrics(loadMetricsConfig(c.env), { version: c.var.config.APP_VERSION, environment: c.var.config.ENVIRONMENT });
    if (!pipeline) {
      c.set("metrics", NO_METRICS);
      return next();
    }
    const recorder = pipeline.buffer;
    c.set("metrics", recorder);
    const startedAt = performance.now();
    recorder.add("qingyu_http_requests_in_flight", {}, 1);
    try {
      await next();
    } finally {
      recorder.add("qingyu_http_requests_in_flight", {}, -1);
      const method: Method = KNOWN_METHODS.has(c.req.method) ? (c.req.method as Method) : "OTHER";
      const route = routeTemplate(c);
      const status = statusClass(c.res.status);
      recorder.inc("qingyu_http_requests_total", { method, route, status });
      recorder.observe("qingyu_http_request_duration_seconds", { method, route, status }, (performance.now() - startedAt) / 1000);
      const received = requestBytes(c);
      if (received !== undefined) recorder.observe("qingyu_http_request_size_bytes", { method, route }, received);
      const sent = await responseBytes(c).catch(() => undefined);
      if (sent !== undefined) recorder.observe("qingyu_http_response_size_bytes", { method, route, status }, sent);
      const context = flushContext(c);
      if (context) pipeline.afterWork(context);
    }
  };
}
