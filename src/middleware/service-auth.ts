import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { sameSecret } from "../../contract/crypto/same-secret";
import { bearerToken } from "./auth";

/**
 * Guards service-to-service routes: the caller must present AI_SERVICE_TOKEN
 * as its bearer token (compared in constant time). A user JWT is never accepted here, valid or not.
 */
export function requireServiceToken(): MiddlewareHandler<AppEnv> {
  return async function requireServiceToken(c, next) {
    const token = bearerToken(c.req.header("Authorization"));
    if (!sameSecret(token, c.get("config").AI_SERVICE_TOKEN)) throw new ApiError("UNAUTHORIZED", "invalid service token");
    await next();
  };
}
