import type { Context, MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../env";

const ALLOW_HEADERS = ["Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key", "traceparent"];
const EXPOSE_HEADERS = ["X-Request-ID", "Retry-After", "X-Quota-Remaining", "X-Quota-Level"];
const EXPOSE_HEADERS_VALUE = EXPOSE_HEADERS.join(",");

const preflights = new WeakMap<readonly string[], MiddlewareHandler>();

/** Hono's CORS middleware for preflights (OPTIONS), one per allowlist. */
function preflightHandler(allowed: readonly string[]): MiddlewareHandler {
  let handler = preflights.get(allowed);
  if (!handler) {
    handler = honoCors({
      origin: (origin) => (allowed.includes(origin) ? origin : null),
      allowHeaders: ALLOW_HEADERS,
      exposeHeaders: EXPOSE_HEADERS,
      credentials: true,
      maxAge: 600,
    });
    preflights.set(allowed, handler);
  }
  return handler;
}

/**
 * Sets headers on the response, first copying a response whose headers are
 * immutable (one passed through from a Durable Object's `fetch`, such as the
 * quota stream's WebSocket upgrade). Hono makes that copy for every response
 * when a middleware touches `c.res` before the handler runs; doing it only when
 * needed is what makes this middleware cheap.
 */
export function setResponseHeaders(c: Context, headers: ReadonlyArray<readonly [string, string]>): void {
  try {
    for (const [name, value] of headers) c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of headers) c.res.headers.set(name, value);
  }
}

/**
 * CORS with an allowlist from `CORS_ORIGINS`. An origin not on the list gets
 * no `Access-Control-Allow-Origin`, so browsers block it; non-browser clients
 * are unaffected, as CORS intends. Preflights go to Hono's middleware. Other
 * requests get the same headers Hono's middleware would give them, but set
 * after the handler: Hono's sets them before, on a placeholder response, which
 * costs two extra Response objects and a header copy on every request.
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async function cors(c, next) {
    const allowed = c.get("config").CORS_ORIGINS;
    if (c.req.method === "OPTIONS") return preflightHandler(allowed)(c, next);
    const origin = c.req.header("origin");
    await next();
    const grant: Array<readonly [string, string]> = [];
    if (origin && allowed.includes(origin)) grant.push(["Access-Control-Allow-Origin", origin]);
    grant.push(["Access-Control-Allow-Credentials", "true"], ["Access-Control-Expose-Headers", EXPOSE_HEADERS_VALUE]);
    setResponseHeaders(c, grant);
    // Responses differ by Origin, so shared caches must key on it.
    c.res.headers.append("Vary", "Origin");
  };
}
