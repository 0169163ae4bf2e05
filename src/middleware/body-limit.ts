import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { fail } from "../lib/envelope";

const limiters = new Map<number, MiddlewareHandler>();

/** Uploads stream to R2 under their own per-purpose caps (src/storage), so the JSON body limit does not apply to them. */
const STREAMED_UPLOADS = new Set(["/api/v1/user/avatar", "/api/v1/storage/files"]);

/**
 * Rejects request bodies larger than `MAX_BODY_BYTES` with a 413 envelope,
 * whether the client declares Content-Length or streams. Hono's middleware does
 * the counting; one instance per configured size is kept for the isolate.
 */
export function bodyLimit(): MiddlewareHandler<AppEnv> {
  return async function bodyLimit(c, next) {
    if (c.req.method === "POST" && STREAMED_UPLOADS.has(c.req.path)) return next();
    const maxSize = c.get("config").MAX_BODY_BYTES;
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = honoBodyLimit({
        maxSize,
        onError: (ctx) => fail(ctx, new ApiError("PAYLOAD_TOO_LARGE", `request body exceeds ${maxSize} bytes`)),
      });
      limiters.set(maxSize, limiter);
    }
    return limiter(c, next);
  };
}
