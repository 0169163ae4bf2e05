import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { bearerToken } from "./auth";

const encoder = new TextEncoder();

/**
 * The configured token's digest, computed once per isolate (per token value, so a new token is
 * picked up). The bytes are kept, not the promise: a promise made in one request must not be
 * awaited by another.
 */
let expectedDigest: { token: string; digest: ArrayBuffer } | undefined;

async function digestOfExpected(expected: string): Promise<ArrayBuffer> {
  if (expectedDigest?.token === expected) return expectedDigest.digest;
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(expected));
  expectedDigest = { token: expected, digest };
  return digest;
}

/** Constant-time comparison of two strings (of any lengths) through their SHA-256 digests. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(given)), digestOfExpected(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Guards service-to-service routes: the caller must present AI_SERVICE_TOKEN
 * as its bearer token. A user JWT is never accepted here, valid or not.
 */
export function requireServiceToken(): MiddlewareHandler<AppEnv> {
  return async function requireServiceToken(c, next) {
    const token = bearerToken(c.req.header("Authorization"));
    if (!(await sameSecret(token, c.get("config").AI_SERVICE_TOKEN))) throw new ApiError("UNAUTHORIZED", "invalid service token");
    await next();
  };
}
