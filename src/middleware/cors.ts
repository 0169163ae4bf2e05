import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../env";

const handlers = new WeakMap<readonly string[], MiddlewareHandler>();

/**
 * CORS with an allowlist from `CORS_ORIGINS`. An origin not on the list gets
 * no `Access-Control-Allow-Origin`, so browsers block it; non-browser clients
 * are unaffected, as CORS intends.
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async function cors(c, next) {
    const allowed = c.var.config.CORS_ORIGINS;
    let handler = handlers.get(allowed);
    if (!handler) {
      handler = honoCors({
        origin: (origin) => (allowed.includes(origin) ? origin : null),
        allowHeaders: ["Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key", "traceparent"],
        exposeHeaders: ["X-Request-ID", "Retry-After", "X-Quota-Remaining", "X-Quota-Level"],
        credentials: true,
        maxAge: 600,
      });
      handlers.set(allowed, handler);
    }
    return handler(c, next);
  };
}
