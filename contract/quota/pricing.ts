/**
 * Per-model pricing: the runtime config's price table (credits per 1,000 tokens, as integers or exact
 * decimals), the integer form the `QuotaCounter` receives inside its policy, and the charge rule.
 *
 * Rule (docs/quota.md): prices are kept as integer micro-credits per 1,000 tokens, so a call costs
 * `ceil((inputTokens × inputPrice + outputTokens × outputPrice) / 1,000,000,000)` credits, computed in
 * BigInt: exact for every input, rounded up once per call (never per component), never below zero.
 */
import { z } from "@hono/zod-openapi";
import { DEFAULT_QUOTA_PRICING, QUOTA_LIMITS } from "./defaults";

/** Decimal places a price may have: prices become integer micro-credits per 1,000 tokens. */
const PRICE_SCALE_DIGITS = 6;
const PRICE_SCALE = 10 ** PRICE_SCALE_DIGITS;
/** The largest price, in credits per 1,000 tokens. */
const MAX_PRICE_CREDITS = 1_000_000;
const DECIMAL = /^(\d{1,7})(?:\.(\d{1,6}))?$/;

/** Micro-credits per 1,000 tokens for an exact decimal text or number, or null when it is not one (too many decimals, negative, too large). */
export function priceMicros(value: number | string): number | null {
  // A JSON number is read as the shortest decimal that names it (0.1 → "0.1"), which is what the operator wrote.
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const micros = Number(match[1]) * PRICE_SCALE + Number((match[2] ?? "").padEnd(PRICE_SCALE_DIGITS, "0"));
  return micros <= MAX_PRICE_CREDITS * PRICE_SCALE ? micros : null;
}

const priceValue = z
  .union([z.number(), z.string()])
  .refine((value) => priceMicros(value) !== null, { error: `must be 0 to ${MAX_PRICE_CREDITS} with at most ${PRICE_SCALE_DIGITS} decimals` })
  .openapi({ description: "Credits per 1,000 tokens: an integer or an exact decimal (number or string)", example: "0.5" });

/** One model's price in the runtime config. */
export const ModelPriceConfigSchema = z.object({ inputPer1k: priceValue, outputPer1k: priceValue });
/** One model's configured price. */
export type ModelPriceConfig = z.infer<typeof ModelPriceConfigSchema>;

const modelName = z.string().min(1).max(QUOTA_LIMITS.maxLabelLength);

/**
 * `quota.pricing` in the runtime config. Models not in `models` cost `defaultPrice`, or are refused (422 code
 * 4221) with `unknownModels: "refuse"` (a switch rather than a null price, because a merge patch's null deletes).
 */
export const QuotaPricingConfigSchema = z
  .object({
    models: z.record(modelName, ModelPriceConfigSchema).default({}),
    defaultPrice: ModelPriceConfigSchema.default({ ...DEFAULT_QUOTA_PRICING.defaultPrice }),
    unknownModels: z.enum(["default", "refuse"]).default(DEFAULT_QUOTA_PRICING.unknownModels),
  })
  .openapi("QuotaPricing");
/** The configured price table. */
export type QuotaPricingConfig = z.infer<typeof QuotaPricingConfigSchema>;

const micros = z.number().int().min(0).max(MAX_PRICE_CREDITS * PRICE_SCALE);
/** A price as the object uses it: micro-credits per 1,000 tokens. */
export const ModelPriceSchema = z.object({ input: micros, output: micros });
/** A price in micro-credits per 1,000 tokens. */
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

/** The price table inside a `QuotaPolicy`; `version` names this exact table (a hash of it). */
export const PolicyPricingSchema = z.object({
  version: z.string().min(1).max(64),
  models: z.record(modelName, ModelPriceSchema),
  fallback: ModelPriceSchema.nullable(),
});
/** The price table a `QuotaCounter` charges by. */
export type PolicyPricing = z.infer<typeof PolicyPricingSchema>;

function toMicros(price: ModelPriceConfig): ModelPrice {
  // Validated by ModelPriceConfigSchema; an unvalidated override that is not a price fails the policy's own validation.
  return { input: priceMicros(price.inputPer1k) ?? -1, output: priceMicros(price.outputPer1k) ?? -1 };
}

/** FNV-1a (32 bit): a short, stable name for a table's content, so the same prices always carry the same version. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The policy's price table for a configured one (defaults when omitted); its version changes exactly when a price does. */
export function policyPricing(config: Partial<QuotaPricingConfig> = {}): PolicyPricing {
  const configured = config.models ?? {};
  const models: Record<string, ModelPrice> = {};
  for (const name of Object.keys(configured).sort()) models[name] = toMicros(configured[name]!);
  const fallback = config.unknownModels === "refuse" ? null : toMicros(config.defaultPrice ?? DEFAULT_QUOTA_PRICING.defaultPrice);
  return { version: `p-${fnv1a(JSON.stringify([models, fallback]))}`, models, fallback };
}

/** The price for `model`, or null when the table refuses it. */
export function priceFor(pricing: PolicyPricing, model: string): ModelPrice | null {
  return Object.hasOwn(pricing.models, model) ? pricing.models[model]! : pricing.fallback;
}

const MICROS_PER_CREDIT_PER_TOKEN = BigInt(1_000 * PRICE_SCALE);

/** Credits for one call: exact, rounded up once (see the rule at the top of this file). */
export function creditsFor(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const cost = BigInt(inputTokens) * BigInt(price.input) + BigInt(outputTokens) * BigInt(price.output);
  return Number((cost + MICROS_PER_CREDIT_PER_TOKEN - 1n) / MICROS_PER_CREDIT_PER_TOKEN);
}
