import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/** Options of one rate-limited route class. */
export interface RateLimitOptions {
  /** Names the limit in keys and logs, e.g. "register". */
  name: string;
  /** Requests per subject per window: fixed, or read per request (e.g. from the runtime config). */
  limits: RateLimits | ((c: Context<AppEnv>) => RateLimits | Promise<RateLimits>);
  /** The subject being limited (client IP, user id, a session read from the body, ...); undefined skips limiting. */
  key: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>;
  /** When Redis cannot be reached: let the request through (default) or answer 503. */
  failOpen?: boolean;
}

/** Requests allowed per subject per window. */
export interface RateLimits {
  limit: number;
  windowSeconds: number;
}

/**
 * The rate-limit hook routes attach: counts the request in Redis and answers
 * 429 (code 1007) with `Retry-After` past the limit. Sets the IETF
 * `RateLimit-Limit/Remaining/Reset` headers on every response it sees.
 *
 * @example app.use("/api/v1/shared/auth/register", rateLimit({ name: "register", limits: { limit: 10, windowSeconds: 3600 }, key: clientIp }))
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const found = options.key(c);
    // Await only a key that needs the body; the usual keys are at hand.
    const subject = found instanceof Promise ? await found : found;
    if (subject === undefined) return next();
    const resolved = typeof options.limits === "function" ? options.limits(c) : options.limits;
    // Await only when the value is not at hand (a runtime-config copy due for refresh).
    const { limit, windowSeconds } = resolved instanceof Promise ? await resolved : resolved;
    let decision;
    try {
      decision = await c.get("services").rateLimiter.hit(`${options.name}:${subject}`, limit, windowSeconds);
    } catch (error) {
      c.get("logger").warn("rate limiter unavailable", { limiter: options.name, fail_open: options.failOpen !== false, error: String(error) });
      if (options.failOpen === false) throw new ApiError("DEPENDENCY_UNAVAILABLE", "rate limiter unavailable", { cause: error });
      return next();
    }
    const resetSeconds = Math.max(0, Math.ceil((decision.resetAt - Date.now()) / 1000));
    const headers = {
      "RateLimit-Limit": String(decision.limit),
      "RateLimit-Remaining": String(decision.remaining),
      "RateLimit-Reset": String(resetSeconds),
    };
    if (!decision.allowed) {
      throw new ApiError("TOO_MANY_REQUESTS", `too many ${options.name} requests; retry in ${resetSeconds} s`, {
        headers: { ...headers, "Retry-After": String(resetSeconds) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
