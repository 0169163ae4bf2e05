import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { createServices } from "../services";

/** Wires the per-request services (Unkey's `init` middleware): routes only ever see interfaces. */
export function init(): MiddlewareHandler<AppEnv> {
  return async function init(c, next) {
    c.set("services", createServices(c.env, c.get("config")));
    await next();
  };
}
