/**
 * The operator-tunable auth and rate-limit settings of the runtime config
 * (`auth` section), with their documented defaults. They were
 * env vars until they moved here, so an operator can tighten a limit during an
 * incident without a deploy. Secrets and keys (JWT_KEYS, service tokens) stay
 * in wrangler config.
 */
import { z } from "@hono/zod-openapi";
import { int, RateLimitSchema } from "./setting-types";

/**
 * The longest access-token lifetime the schema allows. A revocation entry of a
 * session written before sessions recorded their tokens' expiry lives this
 * long, so no lifetime an operator could have set outlives it.
 */
export const ACCESS_TOKEN_TTL_MAX_SECONDS = 86_400;


export const AuthSettingsSchema = z
  .object({
    /** Access token lifetime. Lowering it also shortens tokens already issued: requireAuth refuses a token older than this. */
    accessTokenTtlSeconds: int(30, ACCESS_TOKEN_TTL_MAX_SECONDS).default(900),
    /** Refresh token and session lifetime (sliding). */
    refreshTokenTtlSeconds: int(300, 90 * 86_400).default(30 * 86_400),
    /** Two tabs refreshing at once both succeed within this window; later reuse revokes the session. */
    refreshReuseGraceSeconds: int(0, 300).default(10),
    /** Device sessions per user; a login past it evicts the oldest. */
    maxSessionsPerUser: int(1, 100).default(5),
    revocation: z
      .object({
        /** How often an isolate pulls new revocations; the revocation bound is this plus one Redis round trip. */
        syncIntervalMs: int(50, 10_000).default(500),
        /** With Redis unreachable, standard routes trust the last synced revocations for at most this long. */
        maxStalenessMs: int(0, 3_600_000).default(60_000),
      })
      .prefault({}),
    /** Failed logins per account and per client IP within one window → 429. */
    loginThrottle: z
      .object({
        maxFailuresPerAccount: int(1, 1_000).default(5),
        maxFailuresPerIp: int(1, 100_000).default(50),
        windowSeconds: int(1, 86_400).default(900),
      })
      .prefault({}),
    /** Registrations per client IP. */
    registerLimit: RateLimitSchema(10, 3_600),
    /** Refreshes per session (a normal client refreshes once per access lifetime; two tabs a few times). */
    refreshLimitPerSession: RateLimitSchema(10, 60),
    /** Refreshes per client IP (many users can share one address behind a NAT). */
    refreshLimitPerIp: RateLimitSchema(600, 60),
    /** Logouts per session (a client logs out once; repeats are replays). */
    logoutLimit: RateLimitSchema(10, 60),
    /** How long a quota stream ticket (`POST /api/v1/ai/quota/stream/ticket`) can be used, once. */
    streamTicketTtlSeconds: int(5, 300).default(30),
    /**
     * Registration needs an email code (`verificationCode`/`emailCode`). null (the default) means: on when
     * ENVIRONMENT=production, off in development and tests, so local sign-ups need no mail.
     */
    requireEmailVerification: z.boolean().nullable().default(null),
    /** Email codes (POST /api/v1/shared/auth/email-code). */
    emailCode: z
      .object({
        ttlSeconds: int(60, 3_600).default(600),
        maxAttempts: int(1, 20).default(5),
        /** One code per email address per this many seconds. */
        resendSeconds: int(1, 3_600).default(60),
        /** Codes requested per client IP. */
        perIp: RateLimitSchema(20, 3_600),
      })
      .prefault({}),
  })
  .refine((auth) => auth.refreshTokenTtlSeconds > auth.accessTokenTtlSeconds, {
    error: "refreshTokenTtlSeconds must be above accessTokenTtlSeconds",
    path: ["refreshTokenTtlSeconds"],
  });

export type AuthSettings = z.infer<typeof AuthSettingsSchema>;
