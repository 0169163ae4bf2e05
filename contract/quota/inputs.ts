/**
 * Zod schemas for the quota's enums and RPC inputs: one source of validation
 * for the routes (request bodies, OpenAPI) and for the `QuotaCounter` Durable
 * Object, which parses every input again (defence in depth).
 */
import { z } from "@hono/zod-openapi";
import { NOTICE_EVENTS } from "../messaging/notice-text";
import { QUOTA_LIMITS, QUOTA_ROLES, QUOTA_TYPES } from "./defaults";

/** `daily` | `monthly` | `total`. */
export const QuotaTypeSchema = z.enum(QUOTA_TYPES).openapi({ description: "Quota period; `total` never resets", example: "daily" });
/** A quota period. */
export type QuotaType = z.infer<typeof QuotaTypeSchema>;

/** Roles with a plan. */
export const QuotaRoleSchema = z.enum(QUOTA_ROLES);
/** A role with a plan. */
export type QuotaRole = z.infer<typeof QuotaRoleSchema>;

/** `suspended` wins over `exhausted`; `exhausted` means nothing remains. */
export const QuotaStatusSchema = z.enum(["active", "exhausted", "suspended"]);
/** A quota's status. */
export type QuotaStatus = z.infer<typeof QuotaStatusSchema>;

/** How much remains, as a level: `warning` ≤ 20 %, `critical` ≤ 10 %, `exhausted` at 0 (thresholds from the policy). */
export const QuotaLevelSchema = z.enum(["ok", "warning", "critical", "exhausted"]);
/** A quota's level. */
export type QuotaLevel = z.infer<typeof QuotaLevelSchema>;

/** Levels that produce an event when crossed downwards. */
export type AlertLevel = Exclude<QuotaLevel, "ok">;

/** Every kind of ledger row. */
export const LedgerTypeSchema = z.enum(["consume", "reserve", "commit", "release", "expire", "recharge", "restore", "reset", "admin_set", "rollover"]);
/** A ledger row's kind. */
export type LedgerType = z.infer<typeof LedgerTypeSchema>;

/** A token amount: a positive safe integer no larger than `QUOTA_LIMITS.maxAmount`. */
export const QuotaAmountSchema = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .positive({ error: "must be greater than 0" })
  .max(QUOTA_LIMITS.maxAmount, { error: `must be at most ${QUOTA_LIMITS.maxAmount}` })
  .openapi({ example: 1200, description: "AI tokens" });

/** Idempotency key chosen by the caller: printable ASCII without spaces. */
export const RequestIdSchema = z
  .string({ error: "is required" })
  .min(1, { error: "is required" })
  .max(QUOTA_LIMITS.maxRequestIdLength)
  .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" })
  .openapi({ example: "gen-7f3a9c", description: "Idempotency key: a replay returns the original result" });

const label = (example: string) => z.string().min(1).max(QUOTA_LIMITS.maxLabelLength).openapi({ example });
const description = z.string().max(QUOTA_LIMITS.maxDescriptionLength);

/** A token count of a priced call: a safe whole number, 0 allowed for one side. */
export const TokenCountSchema = z
  .number({ error: "must be a number" })
  .int({ error: "must be a whole number" })
  .min(0, { error: "must be 0 or more" })
  .max(QUOTA_LIMITS.maxAmount, { error: `must be at most ${QUOTA_LIMITS.maxAmount}` });

const pricedFields = {
  inputTokens: TokenCountSchema.optional().openapi({ example: 900, description: "Priced form (with `model` and `outputTokens`, instead of `amount`): prompt tokens" }),
  outputTokens: TokenCountSchema.optional().openapi({ example: 300, description: "Priced form: completion tokens" }),
};

type ChargeForm = { amount?: number; actual?: number; model?: string; inputTokens?: number; outputTokens?: number };

/**
 * Exactly one of the two forms: `amount` (credits, `actual` on commit), or tokens the price table turns into
 * credits (`model` required unless the reservation names it). Issues name the field to fix.
 */
function exactlyOneChargeForm(amountField: "amount" | "actual", needsModel: boolean) {
  return (value: ChargeForm, ctx: z.RefinementCtx): void => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const priced = value.inputTokens !== undefined || value.outputTokens !== undefined;
    const amount = value[amountField];
    if (amount !== undefined) {
      if (priced) issue(amountField, `give either ${amountField} or inputTokens and outputTokens, not both`);
      return;
    }
    if (!priced) return issue(amountField, `is required (or ${needsModel ? "model, " : ""}inputTokens and outputTokens)`);
    if (value.inputTokens === undefined) issue("inputTokens", "is required with outputTokens");
    if (value.outputTokens === undefined) issue("outputTokens", "is required with inputTokens");
    if (needsModel && value.model === undefined) issue("model", "is required with inputTokens and outputTokens");
    // A commit of nothing used is fine; a new call of no tokens is a caller's mistake.
    if (needsModel && value.inputTokens === 0 && value.outputTokens === 0) issue("inputTokens", "inputTokens + outputTokens must be greater than 0");
  };
}

/** `consume` fields; `ConsumeInputSchema` adds the one-form rule. */
export const ConsumeFieldsSchema = z.object({
  quotaType: QuotaTypeSchema.default("daily"),
  amount: QuotaAmountSchema.optional().openapi({ description: "Credits to charge; or give `model`, `inputTokens` and `outputTokens` instead" }),
  service: label("text_generation"),
  model: label("deepseek-chat").optional(),
  ...pricedFields,
  requestId: RequestIdSchema,
  description: description.optional(),
});

/** `consume`: atomic check-and-debit of `amount` credits, or of a priced call's tokens. */
export const ConsumeInputSchema = ConsumeFieldsSchema.superRefine(exactlyOneChargeForm("amount", true));
/** What `consume` accepts (before defaults). */
export type ConsumeInput = z.input<typeof ConsumeInputSchema>;

/** `reserve`: hold an estimate (credits, or a priced call's estimated tokens) until commit, release or TTL. */
export const ReserveInputSchema = z
  .object({
    quotaType: QuotaTypeSchema.default("daily"),
    amount: QuotaAmountSchema.optional().openapi({ description: "Credits to hold; or give `model`, `inputTokens` and `outputTokens` instead" }),
    ttlSeconds: z.number().int().positive().optional().openapi({ description: "Defaults to the policy's; at most its maximum" }),
    service: label("text_generation"),
    model: label("deepseek-chat").optional(),
    ...pricedFields,
    requestId: RequestIdSchema,
  })
  .superRefine(exactlyOneChargeForm("amount", true));
/** What `reserve` accepts. */
export type ReserveInput = z.input<typeof ReserveInputSchema>;

/** Reservation ids are UUIDs the Durable Object minted. */
export const ReservationIdSchema = z.uuid({ error: "must be a reservation id" });

const commitFields = {
  actual: z
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(0, { error: "must be 0 or more" })
      .max(QUOTA_LIMITS.maxAmount, { error: `must be at most ${QUOTA_LIMITS.maxAmount}` })
      .optional()
      .openapi({ description: "Credits used (0: nothing); or give `inputTokens` and `outputTokens` of a priced reservation" }),
  model: label("deepseek-chat").optional().openapi({ description: "Priced form: must be the reservation's model when given" }),
  ...pricedFields,
};

/** `commit` body: the actual credits, or the actual tokens priced at the reservation's price version. */
export const CommitBodySchema = z.object(commitFields).superRefine(exactlyOneChargeForm("actual", false));

/** `commit`: charge the actual amount (0 allowed: nothing was used). */
export const CommitInputSchema = z
  .object({ reservationId: ReservationIdSchema, ...commitFields })
  .superRefine(exactlyOneChargeForm("actual", false));
/** What `commit` accepts. */
export type CommitInput = z.input<typeof CommitInputSchema>;

/** `release`: return the whole reservation. */
export const ReleaseInputSchema = z.object({ reservationId: ReservationIdSchema });
/** What `release` accepts. */
export type ReleaseInput = z.input<typeof ReleaseInputSchema>;

/** `recharge`: add tokens (to this period for daily/monthly, permanently for total). */
export const RechargeInputSchema = z.object({
  quotaType: QuotaTypeSchema,
  amount: QuotaAmountSchema,
  reason: z.string().min(1).max(QUOTA_LIMITS.maxDescriptionLength),
  requestId: RequestIdSchema,
});
/** What `recharge` accepts. */
export type RechargeInput = z.input<typeof RechargeInputSchema>;

/** `restore`: refund tokens a failed call was charged (capped at what was used this period). */
export const RestoreInputSchema = z.object({
  quotaType: QuotaTypeSchema.default("daily"),
  amount: QuotaAmountSchema,
  reason: z.string().min(1).max(QUOTA_LIMITS.maxDescriptionLength),
  requestId: RequestIdSchema,
  service: label("text_generation").openapi({ description: "The service the refunded call was charged to" }),
  model: label("deepseek-chat").optional(),
});
/** What `restore` accepts. */
export type RestoreInput = z.input<typeof RestoreInputSchema>;

/** Admin: set a type's total. It then no longer follows the role's plan. */
export const SetTotalInputSchema = z.object({
  quotaType: QuotaTypeSchema,
  totalQuota: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .positive({ error: "must be greater than 0" })
    .max(QUOTA_LIMITS.maxTotal, { error: `must be at most ${QUOTA_LIMITS.maxTotal}` }),
  reason: description.optional(),
});
/** What `setTotal` accepts. */
export type SetTotalInput = z.input<typeof SetTotalInputSchema>;

/** Admin: suspend or activate one type, or every type when `quotaType` is omitted. */
export const SuspensionInputSchema = z.object({ quotaType: QuotaTypeSchema.optional(), reason: description.optional() });
/** What `suspend` / `activate` accept. */
export type SuspensionInput = z.input<typeof SuspensionInputSchema>;

/** Read one type (daily by default). */
export const GetQuotaInputSchema = z.object({ quotaType: QuotaTypeSchema.default("daily") });
/** What `getQuota` accepts. */
export type GetQuotaInput = z.input<typeof GetQuotaInputSchema>;

const pageFields = {
  limit: z.number().int().min(1).max(QUOTA_LIMITS.maxPageSize).default(QUOTA_LIMITS.defaultPageSize),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
};

/** Ledger page, newest first. */
export const ListTransactionsInputSchema = z.object(pageFields);
/** What `listTransactions` accepts. */
export type ListTransactionsInput = z.input<typeof ListTransactionsInputSchema>;

/** Notification inbox page, newest first. */
export const ListNotificationsInputSchema = z.object({ ...pageFields, unreadOnly: z.boolean().default(false), countByKind: z.boolean().default(false) });
/** What `listNotifications` accepts. */
export type ListNotificationsInput = z.input<typeof ListNotificationsInputSchema>;

/** Mark one notification read. */
export const MarkNotificationReadInputSchema = z.object({ id: z.uuid({ error: "must be a notification id" }) });
/** What `markNotificationRead` accepts. */
export type MarkNotificationReadInput = z.input<typeof MarkNotificationReadInputSchema>;

/** Mark several notifications read (at most 100, as one client page). */
export const MarkNotificationsReadInputSchema = z.object({ ids: z.array(z.uuid({ error: "must be a notification id" })).max(100) });
/** What `markNotificationsRead` accepts. */
export type MarkNotificationsReadInput = z.input<typeof MarkNotificationsReadInputSchema>;

/** An account notice for the inbox, stored once per `eventId` (the queue message id). */
export const AddAccountNoticeInputSchema = z.object({
  eventId: z.string().min(1).max(200),
  kind: z.enum(NOTICE_EVENTS),
  details: z.record(z.string().max(64), z.union([z.string().max(500), z.number()])).default({}),
  /** When the event happened (epoch ms); the inbox shows this, not the delivery time. */
  createdAt: z.number().int().nonnegative().optional(),
});
/** What `addAccountNotice` accepts. */
export type AddAccountNoticeInput = z.input<typeof AddAccountNoticeInputSchema>;
/** `addAccountNotice`'s input after parsing. */
export type AddAccountNoticeArgs = z.output<typeof AddAccountNoticeInputSchema>;
