import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { createLogger } from "../lib/logger";
import { routeTemplate } from "../lib/route-template";

/**
 * Writes one JSON line per request (level, msg, request_id, method, route,
 * status, duration_ms) after the response is ready. It runs before the config
 * middleware so that even a request failing on bad config leaves exactly one line.
 */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async function accessLog(c, next) {
    const startedAt = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    // The config middleware's request logger when it ran; a default one when config failed before it.
    const logger = c.get("logger") ?? createLogger("info", { request_id: c.get("requestId") });
    logger[level]("request", {
      method: c.req.method,
      route: routeTemplate(c),
      status,
      duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
      // Only 5xx carry the error text; 4xx are the client's business and already in the envelope.
      ...(status >= 500 && c.error ? { error: c.error.message } : {}),
    });
  };
}
