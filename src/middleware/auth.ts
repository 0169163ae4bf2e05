import type { MiddlewareHandler } from "hono";
import { verifyAccessToken, type AccessClaims } from "../auth/tokens";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import type { Role } from "../users/user-store";

/**
 * How a route behaves when revocations cannot be synced from Redis:
 * `strict` (admin, wallet) fails closed at once; `standard` keeps trusting the
 * last synced copy for at most REVOCATION_MAX_STALENESS_MS, then fails closed.
 */
export type RevocationPolicy = "strict" | "standard";

export interface RequireAuthOptions {
  /** The caller needs at least one of these roles (403, code 1003, otherwise). */
  roles?: readonly Role[];
  policy?: RevocationPolicy;
}

/** RFC 6750: the scheme is case-insensitive; exactly one token follows it. */
const BEARER = /^Bearer +(\S+)$/i;

/** Reads the bearer token: missing → 2010; present but not `Bearer <jwt>` → 2009. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === "") throw new ApiError("TOKEN_MISSING");
  const match = BEARER.exec(header.trim());
  if (!match?.[1]) throw new ApiError("AUTH_HEADER_MALFORMED");
  return match[1];
}

/**
 * The one auth middleware every protected route uses: verifies the JWT, checks
 * revocation against the isolate's synced copy (no Redis round trip on the hot
 * path), then the role. Sets `auth` to the token's claims.
 */
export function requireAuth(options: RequireAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const policy = options.policy ?? "standard";
  return async function requireAuth(c, next) {
    const claims = await verifyAccessToken(c.get("config"), bearerToken(c.req.header("Authorization")));
    const { revocations, redis } = c.get("services");
    const fresh = await revocations.ensureFresh(redis, c.get("config").REVOCATION_SYNC_INTERVAL_MS, (promise) => c.executionCtx.waitUntil(promise));
    const staleForMs = revocations.lastSyncedAt === 0 ? Infinity : Date.now() - revocations.lastSyncedAt;
    if (Number.isFinite(staleForMs)) c.get("metrics").observe("qingyu_auth_revocation_sync_lag_seconds", {}, staleForMs / 1000);
    if (!fresh) {
      const allowed = policy === "standard" && staleForMs <= c.get("config").REVOCATION_MAX_STALENESS_MS;
      c.get("logger").warn("auth decision on stale revocations", { policy, allowed, stale_for_ms: Number.isFinite(staleForMs) ? staleForMs : null });
      c.get("metrics").inc("qingyu_auth_degraded_decisions_total", { route_class: routeClass(c.req.path), decision: allowed ? "allowed_stale" : "denied" });
      if (!allowed)
        throw new ApiError("DEPENDENCY_UNAVAILABLE", "cannot verify token revocation right now; retry shortly", { headers: { "Retry-After": "1" } });
    }
    if (revocations.isRevoked(claims.sid, claims.jti)) throw new ApiError("TOKEN_REVOKED");
    if (options.roles && !options.roles.some((role) => claims.roles.includes(role))) {
      throw new ApiError("FORBIDDEN", `requires role ${options.roles.join(" or ")}`);
    }
    c.set("auth", claims);
    await next();
  };
}

/** The route class a degraded decision is counted under. */
function routeClass(path: string): "admin" | "wallet" | "default" {
  if (path.startsWith("/api/v1/admin/")) return "admin";
  if (path.startsWith("/api/v1/finance/")) return "wallet";
  return "default";
}

/** The verified claims of the caller; only valid behind `requireAuth`. */
export function authOf(c: { var: { auth?: AccessClaims } }): AccessClaims {
  if (!c.var.auth) throw new ApiError("UNAUTHORIZED");
  return c.var.auth;
}
