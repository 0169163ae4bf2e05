import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { routeTemplate } from "../lib/route-template";
import { NO_METRICS } from "./api";
import { loadMetricsConfig } from "./config";
import { HTTP_METHODS, STATUS_CLASSES } from "./definitions";
import { cachedRuntimeConfig, getRuntimeConfig } from "../runtime-config/cache";
import { activeRecorder, configureIsolateMetrics } from "./isolate";
import type { FlushContext, MetricsPipeline } from "./pipeline";
import { HttpMetrics } from "./http";
import { shardName } from "./wire";

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

/** Response body size: as our `c.json` sent it, else from Content-Length; bodies without one (streams, WebSocket upgrades) are not measured. */
function responseBytes(c: Context, sized: SizedJson): number | undefined {
  const response = c.res;
  // Reading `body` or a header of a Response crosses into the runtime; the JSON envelope's size is already known.
  if (response === sized.response) return sized.bytes;
  if (response.body === null) return response.status === 101 ? undefined : 0;
  const declared = response.headers.get("content-length");
  return declared === null ? undefined : Number(declared);
}

const encoder = new TextEncoder();
// JSON.stringify leaves non-ASCII characters as they are; without any, the UTF-8 length is the string's length.
const NON_ASCII = /[^\x00-\x7f]/;

/** The last response this request's `c.json` made, and its body's size in bytes. */
interface SizedJson {
  response: Response | undefined;
  bytes: number;
}

/**
 * Makes this request's `c.json` send its body with a Content-Length, exactly
 * as Hono's own `c.json` would otherwise (same default Content-Type, caller's
 * headers win), and remember its size. Envelope responses are all built by
 * `c.json`, and a Response made from a string exposes no length, so this is
 * how their size is known without reading the body back (which cost more than
 * all the rest of the recording together). An ASCII body (nearly all) is sent
 * as the string itself, as Hono would send it: no extra copy through
 * TextEncoder (about 1 % of a consume request's isolate time in a CPU profile).
 */
function sizeJsonResponses(c: Context): SizedJson {
  const sized: SizedJson = { response: undefined, bytes: 0 };
  // Hono's body() takes a status or an init as its second argument at run time; its overloads split the two.
  const body = c.body as unknown as (data: string | Uint8Array, arg?: number | ResponseInit, headers?: Record<string, string | string[]>) => Response;
  const json = (object: unknown, arg?: number | ResponseInit, headers?: Record<string, string | string[]>) => {
    const text = JSON.stringify(object);
    const data = NON_ASCII.test(text) ? encoder.encode(text) : text;
    const bytes = typeof data === "string" ? data.length : data.byteLength;
    sized.response = body(data, arg, { "Content-Type": "application/json", ...headers, "Content-Length": String(bytes) });
    sized.bytes = bytes;
    return sized.response;
  };
  c.json = json as unknown as typeof c.json;
  return sized;
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
 * ARCHITECTURE.md's sketch, so that requests answered by CORS preflight or the
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
    const sized = sizeJsonResponses(c);
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
        responseBytes(c, sized),
      );
      pipeline.afterWork(() => flushContext(c));
    }
  };
}
