/**
 * Pure helpers for the quota routes: the quota-specific error codes and the
 * `X-Quota-*` headers. Kept here, next to the types they read, so every route
 * answers the same way; the routes turn them into envelopes.
 */
import type { QuotaOutcome } from "../../contract/quota/results";
import type { QuotaView } from "../../contract/quota/views";

/** Error codes for declined decisions (the Qingyu clients' numbers). */
export const QUOTA_DECLINE_CODES = {
  insufficient: { code: 4291, status: 429, message: "quota insufficient" },
  exhausted: { code: 4292, status: 429, message: "quota exhausted" },
  suspended: { code: 4031, status: 403, message: "quota suspended" },
} as const satisfies Partial<Record<QuotaOutcome, { code: number; status: number; message: string }>>;

/**
 * Whole seconds until the quota resets (at least 1), for `Retry-After` on 429;
 * `null` when it never resets (`total`), so the route sends no `Retry-After`.
 */
export function retryAfterSeconds(quota: QuotaView, now: number = Date.now()): number | null {
  if (quota.resetAt === null) return null;
  return Math.max(1, Math.ceil((Date.parse(quota.resetAt) - now) / 1000));
}

/**
 * Headers for every quota-touching response. Unlimited quotas report -1, as in the body.
 *
 * @example
 * for (const [name, value] of Object.entries(quotaHeaders(result.quota))) c.header(name, value);
 */
export function quotaHeaders(quota: QuotaView): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Quota-Type": quota.quotaType,
    "X-Quota-Limit": String(quota.totalQuota),
    "X-Quota-Remaining": String(quota.remainingQuota),
    "X-Quota-Level": quota.level,
  };
  if (quota.resetAt !== null) headers["X-Quota-Reset"] = quota.resetAt;
  // Like X-Quota-Reset, absent when null: the quota lasts to its reset at the recent burn rate.
  if (quota.forecastExhaustedAt) headers["X-Quota-Forecast-Exhausted-At"] = quota.forecastExhaustedAt;
  return headers;
}
