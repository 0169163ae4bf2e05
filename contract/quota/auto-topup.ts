/**
 * Automatic top-up from the wallet (docs/quota.md): what the route sends the
 * QuotaCounter and what it answers. The route resolves the package id against
 * the runtime config's `quota.packages` and sends the package itself, so the
 * object buys what the user agreed to when they opted in, at that price.
 */
import { z } from "@hono/zod-openapi";

/** The level of the `total` quota whose downward crossing buys a package. */
export const AUTO_TOPUP_THRESHOLDS = ["warning", "critical"] as const;
/** A threshold level. */
export type AutoTopupThreshold = (typeof AUTO_TOPUP_THRESHOLDS)[number];

/** Where an intent is: waiting to be sent (or retried), bought, refused by the wallet, or cancelled before it was sent. */
export const TOPUP_INTENT_STATUSES = ["pending", "purchased", "failed", "cancelled"] as const;

/** Results `qingyu_quota_auto_topups_total` counts. */
export const AUTO_TOPUP_RESULTS = ["purchased", "insufficient_balance", "failed", "capped", "cancelled"] as const;
/** One of them. */
export type AutoTopupResult = (typeof AUTO_TOPUP_RESULTS)[number];

/** Hard bound on `maxPerDay`, whatever the runtime config allows. */
export const AUTO_TOPUP_MAX_PER_DAY = 100;

/** A quota package as the runtime config lists it (only `total` packages can top up the `total` quota). */
export const TopupPackageSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/),
  quotaType: z.literal("total"),
  tokens: z.number().int().positive().max(1_000_000_000),
  priceFen: z.number().int().positive().max(100_000_000),
});
/** A package. */
export type TopupPackage = z.infer<typeof TopupPackageSchema>;

/**
 * `setAutoTopup`: turning it on needs the package, threshold and daily cap; turning it off keeps what was
 * stored (and cancels intents not yet sent).
 */
export const SetAutoTopupInputSchema = z.discriminatedUnion("enabled", [
  z.object({
    enabled: z.literal(true),
    package: TopupPackageSchema,
    threshold: z.enum(AUTO_TOPUP_THRESHOLDS),
    maxPerDay: z.number().int().min(1).max(AUTO_TOPUP_MAX_PER_DAY),
  }),
  z.object({ enabled: z.literal(false) }),
]);
/** What `setAutoTopup` accepts. */
export type SetAutoTopupInput = z.input<typeof SetAutoTopupInputSchema>;

/** One top-up intent: recorded with the debit that crossed the threshold, then sent to the wallet by the alarm. */
export const TopupIntentViewSchema = z
  .object({
    id: z.string().openapi({ description: "The intent id; the wallet purchase's Idempotency-Key is `auto-topup-<id>`" }),
    status: z.enum(TOPUP_INTENT_STATUSES),
    packageId: z.string(),
    tokens: z.number().int(),
    priceFen: z.number().int(),
    threshold: z.enum(AUTO_TOPUP_THRESHOLDS),
    attempts: z.number().int().openapi({ description: "Sends to the wallet so far" }),
    purchaseId: z.string().nullable().openapi({ description: "The wallet's purchase (its ledger row's reference) once bought" }),
    failure: z.string().nullable().openapi({ description: "Why the wallet refused (e.g. insufficient_balance)" }),
    createdAt: z.string(),
    settledAt: z.string().nullable(),
  })
  .openapi("TopupIntent");
/** An intent as clients see it. */
export type TopupIntentView = z.infer<typeof TopupIntentViewSchema>;

/** The caller's setting, today's top-ups and the latest intents. */
export const AutoTopupViewSchema = z
  .object({
    enabled: z.boolean(),
    package: z.string().nullable().openapi({ description: "Package id; null until first set" }),
    packageTokens: z.number().int().nullable(),
    packagePriceFen: z.number().int().nullable().openapi({ description: "The price agreed when the setting was saved" }),
    threshold: z.enum(AUTO_TOPUP_THRESHOLDS).nullable(),
    maxPerDay: z.number().int().nullable(),
    topupsToday: z.number().int().openapi({ description: "Intents pending or bought this local day (quota time zone)" }),
    updatedAt: z.string().nullable(),
    recent: z.array(TopupIntentViewSchema).openapi({ description: "The latest intents, newest first" }),
  })
  .openapi("AutoTopup");
/** The view. */
export type AutoTopupView = z.infer<typeof AutoTopupViewSchema>;

/** What `setAutoTopup` answers: the view, and how many unsent intents turning it off cancelled. */
export type SetAutoTopupResult = AutoTopupView & { cancelled: number };
