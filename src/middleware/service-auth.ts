import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { bearerToken } from "./auth";

const encoder = new TextEncoder();

/** Constant-time comparison of two strings (of any lengths) through their SHA-256 digests. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(given)), crypto.subtle.digest("SHA-256", encoder.encode(expected))]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Guards service-to-service routes: the caller must present AI_SERVICE_TOKEN
 * as its bearer token. A user JWT is never accepted here, valid or not.
 */
export function requireServiceToken(): MiddlewareHandler<AppEnv> {
  return async function requireServiceToken(c, next) {
    const token = bearerToken(c.req.header("Authorization"));
    if (!(await sameSecret(token, c.var.config.AI_SERVICE_TOKEN))) throw new ApiError("UNAUTHORIZED", "invalid service token");
    await next();
  };
}
