import type { MiddlewareHandler } from "hono";
import { verifyAccessToken, type AccessClaims } from "../auth/tokens";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { NO_METRICS, type Metrics } from "../metrics/api";
import type { Role } from "../users/user-store";

/**
 * How a route behaves when revocations cannot be synced from Redis:
 * `strict` (admin, wallet) fails closed at once; `standard` keeps trusting the
 * last synced copy for at most `auth.revocation.maxStalenessMs` (runtime
 * config), then fails closed.
 */
export type RevocationPolicy = "strict" | "standard";

export interface RequireAuthOptions {
  /** The caller needs at least one of these roles (403, code 1003, otherwise). */
  roles?: readonly Role[];
  policy?: RevocationPolicy;
  /** Accept tokens of an account that must change its password (only the change-password route does). */
  allowPendingPasswordChange?: boolean;
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

// Whether this isolate has created the degraded-decision series at 0 yet.
let degradedSeriesReady = false;

/**
 * Creates every degraded-decision series at 0, once per isolate: the usual
 * Prometheus practice for a known label set, so the alert and the panel read
 * 0 while Redis is fine instead of "no data" (a degraded decision needs a
 * Redis outage). Returns whether it did (not when metrics are off).
 */
function zeroDegradedSeries(metrics: Metrics): boolean {
  if (metrics === NO_METRICS) return false;
  for (const route_class of ["admin", "wallet", "default"] as const) {
    for (const decision of ["allowed_stale", "denied"] as const) metrics.inc("qingyu_auth_degraded_decisions_total", { route_class, decision }, 0);
  }
  return true;
}

/**
 * The one auth middleware every protected route uses: verifies the JWT, checks
 * revocation against the isolate's synced copy (no Redis round trip on the hot
 * path), then the role. Sets `auth` to the token's claims. The policy values
 * come from the isolate's runtime-config copy, read without an await while it
 * is fresh.
 */
export function requireAuth(options: RequireAuthOptions = {}): MiddlewareHandler<AppEnv> {
  const policy = options.policy ?? "standard";
  return async function requireAuth(c, next) {
    if (!degradedSeriesReady) degradedSeriesReady = zeroDegradedSeries(c.get("metrics"));
    const claims = await verifyAccessToken(c.get("config"), bearerToken(c.req.header("Authorization")));
    const services = c.get("services");
    const { revocations, redis } = services;
    const { auth } = (services.cachedRuntimeConfig() ?? (await services.runtimeConfig())).document;
    // A lifetime lowered at run time applies to tokens already issued too; it
    // also keeps revocation entries (which live one current lifetime) covering every live token.
    if (Date.now() / 1000 - claims.iat > auth.accessTokenTtlSeconds) throw new ApiError("TOKEN_EXPIRED", "token expired");
    const fresh = await revocations.ensureFresh(redis, auth.revocation.syncIntervalMs, (promise) => c.executionCtx.waitUntil(promise));
    const staleForMs = revocations.lastSyncedAt === 0 ? Infinity : Date.now() - revocations.lastSyncedAt;
    if (Number.isFinite(staleForMs)) c.get("metrics").observe("qingyu_auth_revocation_sync_lag_seconds", {}, staleForMs / 1000);
    if (!fresh) {
      const allowed = policy === "standard" && staleForMs <= auth.revocation.maxStalenessMs;
      c.get("logger").warn("auth decision on stale revocations", { policy, allowed, stale_for_ms: Number.isFinite(staleForMs) ? staleForMs : null });
      c.get("metrics").inc("qingyu_auth_degraded_decisions_total", { route_class: routeClass(c.req.path), decision: allowed ? "allowed_stale" : "denied" });
      if (!allowed)
        throw new ApiError("DEPENDENCY_UNAVAILABLE", "cannot verify token revocation right now; retry shortly", { headers: { "Retry-After": "1" } });
    }
    if (revocations.isRevoked(claims.sid, claims.jti)) throw new ApiError("TOKEN_REVOKED");
    if (claims.pwd_change && !options.allowPendingPasswordChange)
      throw new ApiError("PASSWORD_CHANGE_REQUIRED", "change the temporary password with PUT /api/v1/user/password first");
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
