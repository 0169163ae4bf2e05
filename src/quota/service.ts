import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { QUOTA_DECLINE_CODES, quotaHeaders, retryAfterSeconds } from "./http";
import { policyText, resolveQuotaPolicy, type QuotaPolicy, type QuotaPolicyText } from "../../contract/quota/policy";
import type { QuotaOutcome } from "../../contract/quota/results";
import type { QuotaRole } from "../../contract/quota/inputs";
import type { QuotaView } from "../../contract/quota/views";

// Plan roles live in their own module (cache with a documented bound); re-exported for the routes.
export { planRole, planRoleOfUser } from "./plan-roles";

const policies = new Map<string, { policy: QuotaPolicy; text: QuotaPolicyText }>();

/**
 * The quota policy for a role under the current runtime config, with its text. Built once per
 * (config version, role) in the isolate: the hot path reuses the same object and text, and a new
 * config version produces new policies within the config cache bound.
 */
export async function resolvedPolicy(c: Context<AppEnv>, role: QuotaRole): Promise<{ policy: QuotaPolicy; text: QuotaPolicyText }> {
  const snapshot = c.get("services").cachedRuntimeConfig() ?? (await c.get("services").runtimeConfig());
  const key = `${snapshot.version}:${role}`;
  let entry = policies.get(key);
  if (!entry) {
    const quota = snapshot.document.quota;
    const policy = resolveQuotaPolicy(role, {
      plans: quota.plans,
      thresholds: quota.thresholds,
      timeZone: quota.timeZone,
      reservations: quota.reservations,
      webhook: quota.webhook,
      pricing: quota.pricing,
      forecast: quota.forecast,
      rollover: quota.rollover,
      autoTopupDelivery: quota.autoTopup.delivery,
    });
    entry = { policy, text: policyText(policy) };
    if (policies.size > 64) policies.clear();
    policies.set(key, entry);
  }
  return entry;
}

/**
 * The `model` label of `qingyu_quota_credits_charged_total`: the model when the price table lists it, else
 * `other`, so the AI service's model names cannot grow the family's cardinality.
 */
export function creditsModelLabel(policy: QuotaPolicy, model: string | null | undefined): string {
  return model && Object.hasOwn(policy.pricing.models, model) ? model : "other";
}

/** The quota policy for a role under the current runtime config (see `policyArgFor` for what `QuotaCounter` calls take). */
export async function policyFor(c: Context<AppEnv>, role: QuotaRole): Promise<QuotaPolicy> {
  return (await resolvedPolicy(c, role)).policy;
}

/** The same policy as its text, which is what routes pass to `QuotaCounter` RPCs (see `QuotaPolicyText`). */
export async function policyArgFor(c: Context<AppEnv>, role: QuotaRole): Promise<QuotaPolicyText> {
  return (await resolvedPolicy(c, role)).text;
}

/** Sets `X-Quota-*` headers (and the IETF RateLimit pair) on the response. */
export function setQuotaHeaders(c: Context<AppEnv>, quota: QuotaView): void {
  for (const [name, value] of Object.entries(quotaHeaders(quota))) c.header(name, value);
  if (!quota.unlimited) {
    c.header("RateLimit-Limit", String(quota.totalQuota));
    c.header("RateLimit-Remaining", String(quota.remainingQuota));
  }
}

/** A declined consume/reserve → 429 code 4291/4292 with Retry-After, 403 code 4031, or 409 for a reused requestId. */
export function declineError(outcome: Exclude<QuotaOutcome, "ok">, quota: QuotaView): ApiError {
  if (outcome === "duplicate") return new ApiError("CONFLICT", "requestId already used with different parameters");
  const decline = QUOTA_DECLINE_CODES[outcome];
  const retryAfter = retryAfterSeconds(quota);
  const name = outcome === "insufficient" ? "QUOTA_INSUFFICIENT" : outcome === "exhausted" ? "QUOTA_EXHAUSTED" : "QUOTA_SUSPENDED";
  return new ApiError(name, decline.message, {
    details: { remainingQuota: quota.remainingQuota, resetAt: quota.resetAt, quotaType: quota.quotaType },
    headers: retryAfter !== null && outcome !== "suspended" ? { "Retry-After": String(retryAfter) } : {},
  });
}
