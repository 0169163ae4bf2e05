/**
 * Zod schemas for what the `QuotaCounter` returns: the camelCase shapes the
 * Qingyu clients read. Routes use them as OpenAPI response schemas; times are
 * ISO 8601 strings (epoch milliseconds only inside storage).
 */
import { z } from "@hono/zod-openapi";
import { NOTICE_EVENTS } from "../messaging/notice-text";
import { LedgerTypeSchema, QuotaLevelSchema, QuotaStatusSchema, QuotaTypeSchema } from "./inputs";

const isoTime = z.iso.datetime().openapi({ example: "2026-11-27T16:00:00.000Z" });
const tokens = z.number().int();

/**
 * One quota. Unlimited quotas (the `master` plan) report `totalQuota` and
 * `remainingQuota` as -1, the Go service's convention, and `unlimited: true`.
 */
export const QuotaViewSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    quotaType: QuotaTypeSchema,
    totalQuota: tokens,
    usedQuota: tokens,
    reservedQuota: tokens,
    remainingQuota: tokens,
    unlimited: z.boolean(),
    status: QuotaStatusSchema,
    level: QuotaLevelSchema,
    resetAt: isoTime.nullable().openapi({ description: "Next calendar boundary; null for `total`" }),
    createdAt: isoTime,
    updatedAt: isoTime,
    rolledQuota: tokens.openapi({ description: "Credits rolled over from last month's unused plan, included in totalQuota and spent first; they expire at resetAt" }),
    forecastExhaustedAt: isoTime.nullable().openapi({
      description: "When this quota reaches 0 at the recent burn rate (exponentially weighted); null when it lasts to its reset, or nothing is being spent",
    }),
  })
  .openapi("Quota");
/** One quota as clients see it. */
export type QuotaView = z.infer<typeof QuotaViewSchema>;

/** A ledger row; balances are the quota's `remainingQuota` before and after (-1 when unlimited). */
export const LedgerEntrySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    quotaType: QuotaTypeSchema,
    amount: tokens,
    type: LedgerTypeSchema,
    service: z.string().nullable(),
    model: z.string().nullable(),
    requestId: z.string().nullable(),
    description: z.string().nullable(),
    beforeBalance: tokens,
    afterBalance: tokens,
    timestamp: isoTime,
    inputTokens: tokens.nullable().openapi({ description: "A priced call's prompt tokens (null for a plain amount); `amount` is the credits charged" }),
    outputTokens: tokens.nullable().openapi({ description: "A priced call's completion tokens" }),
    priceVersion: z.string().nullable().openapi({ description: "The price table version the credits were computed with" }),
  })
  .openapi("QuotaTransaction");
/** A ledger row. */
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** A priced call: the model and tokens behind a charge, and the price table version that turned them into credits. */
export const PricedChargeSchema = z
  .object({
    model: z.string(),
    inputTokens: tokens,
    outputTokens: tokens,
    priceVersion: z.string().openapi({ example: "p-1a2b3c4d" }),
    credits: tokens.openapi({ description: "ceil((inputTokens × input + outputTokens × output price per 1,000) / 1,000)" }),
  })
  .openapi("QuotaPricedCharge");
/** A priced call. */
export type PricedCharge = z.infer<typeof PricedChargeSchema>;

/** A downward level crossing. Its `id` is stable: the webhook and the inbox use it, so receivers can dedupe. */
export const QuotaEventSchema = z
  .object({
    id: z.uuid(),
    userId: z.string(),
    quotaType: QuotaTypeSchema,
    level: z.enum(["warning", "critical", "exhausted"]),
    previousLevel: QuotaLevelSchema,
    thresholdPercent: z.number().openapi({ description: "Remaining percentage at or below which the level starts" }),
    remainingQuota: tokens,
    totalQuota: tokens,
    resetAt: isoTime.nullable(),
    createdAt: isoTime,
    forecastExhaustedAt: isoTime.nullable().openapi({ description: "The quota's exhaustion forecast when the event happened (see Quota)" }),
  })
  .openapi("QuotaEvent");
/** A level event. */
export type QuotaEvent = z.infer<typeof QuotaEventSchema>;

/** An inbox entry: the event plus a readable message and read state. */
// The inbox keeps what an event was about, not the forecast of that moment (stale by the time it is read).
export const QuotaNotificationSchema = QuotaEventSchema.omit({ forecastExhaustedAt: true }).extend({
  kind: z.literal("quota_level"),
  title: z.string(),
  message: z.string(),
  readAt: isoTime.nullable(),
}).openapi("QuotaNotification");
/** An inbox entry. */
export type QuotaNotification = z.infer<typeof QuotaNotificationSchema>;

/** An account notice in the inbox (password changed, wallet events); the same words as its email. */
export const AccountNoticeNotificationSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(NOTICE_EVENTS),
    userId: z.string(),
    eventId: z.string().openapi({ description: "The event's id (the queue message id); one inbox entry per event" }),
    details: z.record(z.string(), z.union([z.string(), z.number()])).openapi({ description: "Amounts in fen, a reason" }),
    createdAt: isoTime,
    title: z.string(),
    message: z.string(),
    readAt: isoTime.nullable(),
  })
  .openapi("AccountNoticeNotification");
/** An account notice in the inbox. */
export type AccountNoticeNotification = z.infer<typeof AccountNoticeNotificationSchema>;

/** Any inbox entry: `kind` tells quota levels from account notices. */
export const InboxNotificationSchema = z.union([QuotaNotificationSchema, AccountNoticeNotificationSchema]).openapi("InboxNotification");
/** Any inbox entry. */
export type InboxNotification = z.infer<typeof InboxNotificationSchema>;

/** A reservation. `charged` is set once committed; `overage` is the part of `actual` that could not be charged. */
export const ReservationViewSchema = z
  .object({
    id: z.uuid(),
    userId: z.string(),
    quotaType: QuotaTypeSchema,
    amount: tokens,
    service: z.string(),
    model: z.string().nullable(),
    requestId: z.string(),
    status: z.enum(["active", "committed", "released", "expired"]),
    expiresAt: isoTime,
    createdAt: isoTime,
    settledAt: isoTime.nullable(),
    actual: tokens.nullable(),
    charged: tokens.nullable(),
    overage: tokens.nullable(),
    priceVersion: z.string().nullable().openapi({ description: "A priced reservation's price version: its commit is charged at it, whatever the table says by then" }),
  })
  .openapi("QuotaReservation");
/** A reservation. */
export type ReservationView = z.infer<typeof ReservationViewSchema>;

const typeSummary = z.object({
  totalQuota: tokens,
  usedQuota: tokens,
  reservedQuota: tokens,
  remainingQuota: tokens,
  unlimited: z.boolean(),
  usagePercentage: z.number(),
  status: QuotaStatusSchema,
  level: QuotaLevelSchema,
});

/**
 * Statistics. `totalQuota`, `usedQuota` and `remainingQuota` add up the
 * limited types (all -1 when every type is unlimited, `usedQuota` still real).
 * `dailyAverage` is net tokens used (consume + commit − restore) per day since
 * the user's quota was created. By-service and by-model figures are net credits.
 */
export const QuotaStatisticsSchema = z
  .object({
    totalQuota: tokens,
    usedQuota: tokens,
    remainingQuota: tokens,
    usagePercentage: z.number(),
    totalTransactions: tokens,
    dailyAverage: z.number(),
    quotaByType: z.record(QuotaTypeSchema, typeSummary),
    quotaByService: z.record(z.string(), tokens),
    quotaByModel: z.record(z.string(), tokens),
    usageByModel: z
      .record(z.string(), z.object({ credits: tokens, inputTokens: tokens, outputTokens: tokens }))
      .openapi({ description: "Net credits by model (as `quotaByModel`) with the tokens of its priced calls" }),
  })
  .openapi("QuotaStatistics");
/** Statistics. */
export type QuotaStatistics = z.infer<typeof QuotaStatisticsSchema>;
