import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../config";
import type { AppEnv } from "../env";
import { createLogger } from "../lib/logger";

/** Validates the Worker's vars and secrets (cached per isolate) and sets `config` and `logger`. */
export function configMiddleware(): MiddlewareHandler<AppEnv> {
  return async function config(c, next) {
    const config = loadConfig(c.env as unknown as Record<string, unknown>);
    c.set("config", config);
    c.set("logger", createLogger(config.LOG_LEVEL, { request_id: c.get("requestId") }));
    await next();
  };
}
