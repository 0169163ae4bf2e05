/**
 * The runtime configuration document: everything an operator tunes while the
 * system runs, validated by one schema with documented defaults. Held by the
 * ConfigStore Durable Object, cached per isolate for CONFIG_CACHE_TTL_MS.
 * Deploy-time settings (bindings, secrets, URLs, the cache TTL itself) stay in
 * wrangler config.
 */
import { z } from "@hono/zod-openapi";
import { DEFAULT_AUTO_TOPUP, DEFAULT_QUOTA_FORECAST, DEFAULT_QUOTA_PLANS, DEFAULT_QUOTA_THRESHOLDS, DEFAULT_QUOTA_TIME_ZONE, DEFAULT_RESERVATION_TTL, QUOTA_ROLES } from "../quota/defaults";
import { isValidTimeZone, QuotaPlanSchema, QuotaRolloverSchema, QuotaWebhookSchema } from "../quota/policy";
import { QuotaPricingConfigSchema } from "../quota/pricing";
import { AUTO_TOPUP_MAX_PER_DAY } from "../quota/auto-topup";
import { AuthSettingsSchema } from "./auth-settings";
import { WalletSettingsSchema } from "./wallet-settings";
import { StorageSettingsSchema } from "./storage-settings";

const plans = z.object(
  Object.fromEntries(QUOTA_ROLES.map((role) => [role, QuotaPlanSchema.default(DEFAULT_QUOTA_PLANS[role])])) as Record<
    (typeof QUOTA_ROLES)[number],
    z.ZodDefault<typeof QuotaPlanSchema>
  >,
);

/** A quota package users can buy with wallet money. */
export const QuotaPackageSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/),
  quotaType: z.enum(["daily", "monthly", "total"]),
  tokens: z.number().int().positive().max(1_000_000_000),
  priceFen: z.number().int().positive().max(100_000_000),
});

export const RuntimeConfigSchema = z
  .object({
    quota: z
      .object({
        plans: plans.prefault({}),
        thresholds: z
          .object({ warningPercent: z.number().gt(0).max(100), criticalPercent: z.number().gt(0).max(100) })
          .refine((value) => value.criticalPercent < value.warningPercent, { error: "criticalPercent must be below warningPercent", path: ["criticalPercent"] })
          .default({ ...DEFAULT_QUOTA_THRESHOLDS }),
        timeZone: z.string().refine(isValidTimeZone, { error: "must be an IANA time zone" }).default(DEFAULT_QUOTA_TIME_ZONE),
        reservations: z
          .object({ defaultTtlSeconds: z.number().int().positive().max(604_800), maxTtlSeconds: z.number().int().positive().max(604_800) })
          .default({ ...DEFAULT_RESERVATION_TTL }),
        webhook: QuotaWebhookSchema.nullable().default(null),
        /** Credits per 1,000 tokens by model for priced calls (`{model, inputTokens, outputTokens}`); docs/quota.md. */
        pricing: QuotaPricingConfigSchema.prefault({}),
        /** The exhaustion forecast: burn-rate half-life, and how far ahead a forecast is still given (docs/quota.md). */
        forecast: z
          .object({ halfLifeSeconds: z.number().int().positive().max(2_592_000), horizonSeconds: z.number().int().positive().max(31_622_400) })
          .default({ ...DEFAULT_QUOTA_FORECAST }),
        /** Monthly rollover per role (`{percent, cap}`); a role not listed rolls nothing over (the default: off). docs/quota.md. */
        rollover: z.partialRecord(z.enum(QUOTA_ROLES), QuotaRolloverSchema).default({}),
        packages: z
          .array(QuotaPackageSchema)
          .max(50)
          .default([
            { id: "small", quotaType: "total", tokens: 100_000, priceFen: 990 },
            { id: "large", quotaType: "total", tokens: 1_000_000, priceFen: 8_800 },
          ]),
        /** Automatic top-up (docs/quota.md): the largest `maxPerDay` a user may choose, and how intents are sent to the wallet. */
        autoTopup: z
          .object({
            maxPerDayLimit: z.number().int().min(1).max(AUTO_TOPUP_MAX_PER_DAY).default(DEFAULT_AUTO_TOPUP.maxPerDayLimit),
            delivery: z
              .object({
                baseDelayMs: z.number().int().positive().max(86_400_000),
                maxDelayMs: z.number().int().positive().max(604_800_000),
                timeoutMs: z.number().int().positive().max(60_000),
              })
              .default({ ...DEFAULT_AUTO_TOPUP.delivery }),
          })
          .prefault({}),
      })
      .prefault({}),
    /** Token lifetimes, sessions, the revocation policy and the login/register limits (src/runtime-config/auth-settings.ts). */
    auth: AuthSettingsSchema.prefault({}),
    /** The wallet's per-user rate limit. */
    wallet: WalletSettingsSchema.prefault({}),
    /** Uploads: size caps per purpose, byte quotas per role, cache lifetimes (src/runtime-config/storage-settings.ts). */
    storage: StorageSettingsSchema,
    /** The admin alert inbox keeps the latest state of at most this many alerts (the oldest are dropped). */
    alerts: z.object({ inboxMaxAlerts: z.number().int().min(1).max(100_000).default(1_000) }).prefault({}),
    /**
     * false pauses metric recording everywhere (API and Durable Objects) within the config bound, without a deploy:
     * counters and histograms stop moving (Prometheus reads them flat, not reset), gauges still follow state, and
     * samples already buffered are still flushed. `METRICS_ENABLED=false` (deploy time) removes the pipeline instead.
     */
    metrics: z.object({ recording: z.boolean().default(true) }).prefault({}),
    /** Named on/off switches for features being rolled out. */
    features: z.record(z.string().regex(/^[a-z0-9_.-]{1,64}$/), z.boolean()).default({}),
  })
  .openapi("RuntimeConfig");

export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;

/** The documented defaults: what a fresh deployment runs with. */
export const DEFAULT_RUNTIME_CONFIG: RuntimeConfig = RuntimeConfigSchema.parse({});
