import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { ApiError, type ErrorName } from "../errors";

type Outcome<R extends string> = { success: R; byError: Partial<Record<ErrorName, R>>; otherwise: R };

/**
 * Counts the outcome of an auth endpoint from its answer: the status on
 * success, the ApiError's name otherwise (validation failures included, which
 * never reach the handler). One place for register, login and refresh.
 */
function outcomeOf<R extends string>(error: Error | undefined, status: number, outcome: Outcome<R>): R {
  if (status < 400) return outcome.success;
  if (error instanceof ApiError) return outcome.byError[error.errorName] ?? outcome.otherwise;
  return outcome.otherwise;
}

export function countRegistrations(): MiddlewareHandler<AppEnv> {
  return async function countRegistrations(c, next) {
    await next();
    const result = outcomeOf(c.error, c.res.status, {
      success: "success",
      byError: { USERNAME_TAKEN: "conflict", EMAIL_TAKEN: "conflict", TOO_MANY_REQUESTS: "throttled", INVALID_PARAMETER: "invalid" },
      otherwise: "invalid",
    });
    c.var.metrics.inc("qingyu_auth_registrations_total", { result });
  };
}

export function countLogins(): MiddlewareHandler<AppEnv> {
  return async function countLogins(c, next) {
    await next();
    const result = outcomeOf(c.error, c.res.status, {
      success: "success",
      byError: { FORBIDDEN: "forbidden", TOO_MANY_REQUESTS: "throttled" },
      otherwise: "failure",
    });
    c.var.metrics.inc("qingyu_auth_logins_total", { result });
  };
}

export function countRefreshes(): MiddlewareHandler<AppEnv> {
  return async function countRefreshes(c, next) {
    await next();
    const reuse = c.error instanceof ApiError && c.error.errorName === "TOKEN_REVOKED" && c.error.message.includes("reuse");
    const result = reuse
      ? "reuse_detected"
      : outcomeOf(c.error, c.res.status, { success: "success", byError: { TOKEN_REVOKED: "expired" }, otherwise: "invalid" });
    c.var.metrics.inc("qingyu_auth_refreshes_total", { result });
  };
}
