/**
 * The quota policy: every tunable a `QuotaCounter` needs, passed with each
 * call so runtime-config changes reach the object on its next request (it
 * stores the latest copy only for alarms, which have no caller).
 */
import { z } from "@hono/zod-openapi";
import {
  DEFAULT_AUTO_TOPUP,
  DEFAULT_QUOTA_FORECAST,
  DEFAULT_QUOTA_PLANS,
  DEFAULT_QUOTA_RETENTION,
  DEFAULT_QUOTA_THRESHOLDS,
  DEFAULT_QUOTA_TIME_ZONE,
  DEFAULT_RESERVATION_TTL,
  DEFAULT_WEBHOOK_DELIVERY,
  QUOTA_LIMITS,
} from "./defaults";
import { PolicyPricingSchema, policyPricing, type QuotaPricingConfig } from "./pricing";
import { QuotaRoleSchema, type QuotaRole } from "./inputs";

// Zones already accepted in this isolate: constructing an Intl.DateTimeFormat to test one was about a tenth of a
// consume's isolate time when every woken QuotaCounter validated its stored policy (profile, 2026-12-02).
const knownTimeZones = new Set<string>();
const MAX_KNOWN_TIME_ZONES = 64;

/** True when the runtime knows the IANA time zone. */
export function isValidTimeZone(timeZone: string): boolean {
  if (knownTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    return false;
  }
  if (knownTimeZones.size >= MAX_KNOWN_TIME_ZONES) knownTimeZones.clear();
  knownTimeZones.add(timeZone);
  return true;
}

const planTotal = z.number().int().min(0).max(QUOTA_LIMITS.maxTotal).nullable();
const positiveInt = (max: number) => z.number().int().positive().max(max);

/** Totals for one role; `null` is unlimited. */
export const QuotaPlanSchema = z.object({ daily: planTotal, monthly: planTotal, total: planTotal });
/** Totals for one role. */
export type QuotaPlan = z.infer<typeof QuotaPlanSchema>;

/** Share of the unused monthly plan that carries into the next month, at most `cap` credits (per role; off by default). */
export const QuotaRolloverSchema = z.object({
  percent: z.number().int().min(0).max(100),
  cap: z.number().int().min(0).max(QUOTA_LIMITS.maxTotal),
});
/** One role's rollover. */
export type QuotaRollover = z.infer<typeof QuotaRolloverSchema>;

/** Where threshold events are POSTed, and the HMAC-SHA256 key that signs them. */
export const QuotaWebhookSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  secret: z.string().min(16).max(256),
});
/** Webhook target. */
export type QuotaWebhook = z.infer<typeof QuotaWebhookSchema>;

/** Everything a `QuotaCounter` may be tuned by. */
export const QuotaPolicySchema = z
  .object({
    role: QuotaRoleSchema,
    plan: QuotaPlanSchema,
    thresholds: z.object({
      warningPercent: z.number().gt(0).max(100),
      criticalPercent: z.number().gt(0).max(100),
    }),
    timeZone: z.string().refine(isValidTimeZone, { error: "must be an IANA time zone" }),
    reservations: z.object({ defaultTtlSeconds: positiveInt(7 * 86_400), maxTtlSeconds: positiveInt(7 * 86_400) }),
    webhook: QuotaWebhookSchema.nullable(),
    webhookDelivery: z.object({
      maxAttempts: positiveInt(100),
      baseDelayMs: positiveInt(86_400_000),
      maxDelayMs: positiveInt(7 * 86_400_000),
      timeoutMs: positiveInt(60_000),
      batchSize: positiveInt(100),
    }),
    retention: z.object({
      idempotencyTtlSeconds: positiveInt(365 * 86_400),
      deliveredWebhookTtlSeconds: positiveInt(365 * 86_400),
      readNotificationTtlSeconds: positiveInt(10 * 365 * 86_400),
    }),
    // Defaulted so a policy stored before pricing existed still loads (its alarm needs no prices).
    pricing: PolicyPricingSchema.default(() => policyPricing()),
    forecast: z
      .object({ halfLifeSeconds: positiveInt(30 * 86_400), horizonSeconds: positiveInt(366 * 86_400) })
      .default({ ...DEFAULT_QUOTA_FORECAST }),
    rollover: QuotaRolloverSchema.nullable().default(null),
    // How the object's alarm sends top-up intents to the wallet; defaulted so a policy stored before it still loads.
    autoTopupDelivery: z
      .object({ baseDelayMs: positiveInt(86_400_000), maxDelayMs: positiveInt(7 * 86_400_000), timeoutMs: positiveInt(60_000) })
      .default({ ...DEFAULT_AUTO_TOPUP.delivery }),
  })
  .refine((policy) => policy.thresholds.criticalPercent < policy.thresholds.warningPercent, {
    error: "criticalPercent must be below warningPercent",
    path: ["thresholds", "criticalPercent"],
  })
  .refine((policy) => policy.reservations.defaultTtlSeconds <= policy.reservations.maxTtlSeconds, {
    error: "defaultTtlSeconds must not exceed maxTtlSeconds",
    path: ["reservations", "defaultTtlSeconds"],
  });
/** A validated policy. */
export type QuotaPolicy = z.infer<typeof QuotaPolicySchema>;

/**
 * A policy as its JSON text, which is how routes send it to a `QuotaCounter`: a string crosses the RPC boundary
 * as one copy, where the nested object was serialised field by field on every call, and the object looks the
 * text up in its isolate's table of validated policies instead of serialising it again to compare.
 */
export type QuotaPolicyText = string & { readonly __quotaPolicyText: true };

/** What a `QuotaCounter` RPC accepts as its policy: the object (tests, the wallet's outbox) or its text. */
export type QuotaPolicyArg = QuotaPolicy | QuotaPolicyText;

/** The text of a policy, as routes send it. */
export function policyText(policy: QuotaPolicy): QuotaPolicyText {
  return JSON.stringify(policy) as QuotaPolicyText;
}

/** Overrides a runtime config may apply on top of the defaults (the webhook has no default). */
export type QuotaPolicyOverrides = {
  plans?: Partial<Record<QuotaRole, QuotaPlan>>;
  thresholds?: Partial<QuotaPolicy["thresholds"]>;
  timeZone?: string;
  reservations?: Partial<QuotaPolicy["reservations"]>;
  webhook?: QuotaWebhook | null;
  webhookDelivery?: Partial<QuotaPolicy["webhookDelivery"]>;
  retention?: Partial<QuotaPolicy["retention"]>;
  pricing?: Partial<QuotaPricingConfig>;
  forecast?: Partial<QuotaPolicy["forecast"]>;
  rollover?: Partial<Record<QuotaRole, QuotaRollover>>;
  autoTopupDelivery?: Partial<QuotaPolicy["autoTopupDelivery"]>;
};

/**
 * The policy for a user of `role`: the documented defaults with any runtime
 * overrides applied. Routes call this and pass the result to every
 * `QuotaCounter` RPC that takes a policy. It does not validate; the Durable
 * Object does (once per distinct policy, so the fast path stays fast).
 *
 * @example
 * const policy = resolveQuotaPolicy("writer", { webhook: { url, secret } });
 * const result = await env.QUOTA_COUNTER.getByName(userId).consume(input, policy);
 */
export function resolveQuotaPolicy(role: QuotaRole, overrides: QuotaPolicyOverrides = {}): QuotaPolicy {
  return {
    role,
    plan: overrides.plans?.[role] ?? DEFAULT_QUOTA_PLANS[role],
    thresholds: { ...DEFAULT_QUOTA_THRESHOLDS, ...overrides.thresholds },
    timeZone: overrides.timeZone ?? DEFAULT_QUOTA_TIME_ZONE,
    reservations: { ...DEFAULT_RESERVATION_TTL, ...overrides.reservations },
    webhook: overrides.webhook ?? null,
    webhookDelivery: { ...DEFAULT_WEBHOOK_DELIVERY, ...overrides.webhookDelivery },
    retention: { ...DEFAULT_QUOTA_RETENTION, ...overrides.retention },
    pricing: policyPricing(overrides.pricing),
    forecast: { ...DEFAULT_QUOTA_FORECAST, ...overrides.forecast },
    rollover: overrides.rollover?.[role] ?? null,
    autoTopupDelivery: { ...DEFAULT_AUTO_TOPUP.delivery, ...overrides.autoTopupDelivery },
  };
}
