import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../env";

const ALLOW_HEADERS = ["Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key", "traceparent"];
const EXPOSE_HEADERS = ["X-Request-ID", "Retry-After", "X-Quota-Remaining", "X-Quota-Level", "X-Quota-Forecast-Exhausted-At"];
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
 * CORS with an allowlist from `CORS_ORIGINS`. An origin not on the list gets
 * no `Access-Control-Allow-Origin`, so browsers block it; non-browser clients
 * are unaffected, as CORS intends. Preflights go to Hono's middleware. Other
 * requests get the same headers Hono's middleware would give them, collected
 * before the handler by the response assembler (Hono's sets them on a
 * placeholder response, which costs two extra Response objects and a header
 * copy on every request).
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async function cors(c, next) {
    const allowed = c.get("config").CORS_ORIGINS;
    if (c.req.method === "OPTIONS") return preflightHandler(allowed)(c, next);
    const origin = c.req.header("origin");
    // Set before the handler: the response assembler (response-headers.ts) puts them into the response as it is made.
    if (origin && allowed.includes(origin)) c.header("Access-Control-Allow-Origin", origin);
    c.header("Access-Control-Allow-Credentials", "true");
    c.header("Access-Control-Expose-Headers", EXPOSE_HEADERS_VALUE);
    // Responses differ by Origin, so shared caches must key on it.
    c.header("Vary", "Origin", { append: true });
    await next();
  };
}
