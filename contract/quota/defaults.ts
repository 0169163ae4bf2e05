/**
 * Documented defaults for the AI quota. The runtime-config issue will let
 * admins change these without a redeploy; until then they are the values every
 * route passes to the `QuotaCounter` Durable Object through `resolveQuotaPolicy`.
 * Units are AI tokens.
 */

/** Quota periods a user has: `daily` and `monthly` reset at calendar boundaries, `total` never resets. */
export const QUOTA_TYPES = ["daily", "monthly", "total"] as const;

/** Roles that get a plan. `master` is unlimited, as in the Go service (-1 there). */
export const QUOTA_ROLES = ["reader", "vip_reader", "writer", "signed_writer", "master", "admin"] as const;

/** One role's totals per quota type; `null` means unlimited. */
export type QuotaPlanDefaults = { daily: number | null; monthly: number | null; total: number | null };

/**
 * Default plan per role, in tokens. `total` is a lifetime allowance that only
 * recharges and admin changes raise; `daily`/`monthly` refill at each boundary.
 */
export const DEFAULT_QUOTA_PLANS: Readonly<Record<(typeof QUOTA_ROLES)[number], QuotaPlanDefaults>> = {
  reader: { daily: 10_000, monthly: 200_000, total: 1_000_000 },
  vip_reader: { daily: 100_000, monthly: 2_000_000, total: 10_000_000 },
  writer: { daily: 50_000, monthly: 1_000_000, total: 5_000_000 },
  signed_writer: { daily: 200_000, monthly: 4_000_000, total: 20_000_000 },
  master: { daily: null, monthly: null, total: null },
  admin: { daily: 500_000, monthly: 10_000_000, total: 100_000_000 },
};

/** Level thresholds as percent of the total still remaining: warning at ≤ 20 %, critical at ≤ 10 %; exhausted is always 0. */
export const DEFAULT_QUOTA_THRESHOLDS = { warningPercent: 20, criticalPercent: 10 } as const;

/** Calendar boundaries for daily/monthly resets are midnights in this IANA time zone. */
export const DEFAULT_QUOTA_TIME_ZONE = "Asia/Shanghai";

/** Reservation lifetimes: used when `ttlSeconds` is omitted, and the largest a caller may ask for. */
export const DEFAULT_RESERVATION_TTL = { defaultTtlSeconds: 300, maxTtlSeconds: 3_600 } as const;

/**
 * Webhook outbox delivery. Attempt n (1-based) that fails is retried after
 * `min(maxDelayMs, baseDelayMs × 2^(n-1))`; after `maxAttempts` the row is kept as `failed`.
 */
export const DEFAULT_WEBHOOK_DELIVERY = {
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  batchSize: 20,
} as const;

/**
 * Automatic top-up: sending an intent to the wallet. A failed or timed-out send n (1-based) is retried after
 * `min(maxDelayMs, baseDelayMs × 2^(n-1))`, until the wallet answers (the intent id keeps it exactly once).
 * `maxPerDayLimit` bounds the `maxPerDay` a user may choose.
 */
export const DEFAULT_AUTO_TOPUP = { maxPerDayLimit: 10, delivery: { baseDelayMs: 2_000, maxDelayMs: 3_600_000, timeoutMs: 10_000 } } as const;

/** How long the Durable Object keeps housekeeping rows before the alarm prunes them. */
export const DEFAULT_QUOTA_RETENTION = {
  /** A replay of a `requestId` older than this is treated as a new request. */
  idempotencyTtlSeconds: 7 * 86_400,
  deliveredWebhookTtlSeconds: 7 * 86_400,
  readNotificationTtlSeconds: 90 * 86_400,
} as const;

/**
 * The exhaustion forecast's burn rate halves after `halfLifeSeconds` without use; a forecast further out
 * than `horizonSeconds` (a `total` quota that never resets, used rarely) is reported as null.
 */
export const DEFAULT_QUOTA_FORECAST = { halfLifeSeconds: 3_600, horizonSeconds: 30 * 86_400 } as const;

/**
 * Per-model pricing (`quota.pricing`): models not listed cost `defaultPrice` credits per 1,000 tokens.
 * The default, 1,000 per 1,000 (one credit a token), charges a priced call what the same tokens cost as a
 * plain `amount`; `unknownModels: "refuse"` refuses unlisted models instead.
 */
export const DEFAULT_QUOTA_PRICING = { defaultPrice: { inputPer1k: 1_000, outputPer1k: 1_000 }, unknownModels: "default" } as const;

/**
 * Validation bounds shared by the zod schemas the routes and the Durable
 * Object both use (defence in depth). They are schema limits, not business
 * tuning: one request may not move more than `maxAmount` tokens, and no
 * quota may exceed `maxTotal`.
 */
export const QUOTA_LIMITS = {
  maxAmount: 1_000_000_000,
  maxTotal: 1_000_000_000_000,
  maxRequestIdLength: 128,
  maxLabelLength: 128,
  maxDescriptionLength: 500,
  maxPageSize: 100,
  defaultPageSize: 20,
} as const;
