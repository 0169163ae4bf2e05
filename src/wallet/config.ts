/**
 * The wallet's deploy-time settings (WALLET_* vars and the callback secret),
 * read by the API Worker and by the Wallet Durable Object (whose alarm has no
 * caller to pass them). Validated once per env object.
 */
import { z } from "zod";
import { ApiError } from "../errors";

const intFromString = (name: string, min: number, max: number) =>
  z.string().regex(/^\d+$/, `${name} must be a whole number`).transform(Number).pipe(z.number().int().min(min).max(max));

const flag = (name: string) => z.enum(["true", "false"], { error: `${name} must be true or false` });

/** Every WALLET_* variable with its documented default. */
const WalletVarsSchema = z.object({
  /** "true" completes recharge orders at once without a payment callback (local development only). */
  WALLET_RECHARGE_SANDBOX: flag("WALLET_RECHARGE_SANDBOX").default("false"),
  /** HMAC-SHA256 key shared with the payment provider for recharge callbacks (secret). */
  WALLET_CALLBACK_SECRET: z.string().min(32, "WALLET_CALLBACK_SECRET must be at least 32 characters").optional(),
  /** A callback whose timestamp is further than this from now is refused (replayed or delayed). */
  WALLET_CALLBACK_WINDOW_SECONDS: intFromString("WALLET_CALLBACK_WINDOW_SECONDS", 10, 86_400).default(300),
  /** Where clients pay an order; the recharge response carries `<url>/pay?order_id=…&amount=…`. Unset: no payment_url. */
  WALLET_PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/, error: "WALLET_PAYMENT_PROVIDER_URL must be an http(s) URL" }).optional(),
  /** A replayed Idempotency-Key older than this counts as a new request. */
  WALLET_IDEMPOTENCY_TTL_SECONDS: intFromString("WALLET_IDEMPOTENCY_TTL_SECONDS", 60, 365 * 86_400).default(7 * 86_400),
  /** Outbox retries (transfers, quota purchases, the withdrawal index): min(max, base × 2^(attempt-1)), forever. */
  WALLET_OUTBOX_BASE_DELAY_MS: intFromString("WALLET_OUTBOX_BASE_DELAY_MS", 10, 3_600_000).default(1000),
  WALLET_OUTBOX_MAX_DELAY_MS: intFromString("WALLET_OUTBOX_MAX_DELAY_MS", 10, 86_400_000).default(60_000),
  /** One delivery attempt slower than this counts as failed (and is retried). */
  WALLET_OUTBOX_TIMEOUT_MS: intFromString("WALLET_OUTBOX_TIMEOUT_MS", 100, 60_000).default(10_000),
  /**
   * A wallet reports its balance and held money to the admins' D1 projection
   * (statistics) at most once per this window: changes inside it are merged
   * into one D1 write, so busy wallets do not cost a write per movement.
   */
  WALLET_BALANCE_SYNC_DELAY_MS: intFromString("WALLET_BALANCE_SYNC_DELAY_MS", 0, 600_000).default(10_000),
});

/** The wallet vars with their cross-field rules. */
export const WalletConfigSchema = WalletVarsSchema.superRefine((config, ctx) => {
  if (config.WALLET_RECHARGE_SANDBOX === "false" && !config.WALLET_CALLBACK_SECRET) {
    ctx.addIssue({ code: "custom", path: ["WALLET_CALLBACK_SECRET"], message: "is required unless WALLET_RECHARGE_SANDBOX=true" });
  }
  if (config.WALLET_OUTBOX_MAX_DELAY_MS < config.WALLET_OUTBOX_BASE_DELAY_MS) {
    ctx.addIssue({ code: "custom", path: ["WALLET_OUTBOX_MAX_DELAY_MS"], message: "must not be below WALLET_OUTBOX_BASE_DELAY_MS" });
  }
});

/** Outbox delivery timing. */
export interface OutboxTiming {
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

/** Parsed wallet settings, amounts in fen. */
export interface WalletConfig {
  sandbox: boolean;
  callbackSecret: string | null;
  callbackWindowSeconds: number;
  paymentProviderUrl: string | null;
  idempotencyTtlSeconds: number;
  outbox: OutboxTiming;
  balanceSyncDelayMs: number;
}

const cache = new WeakMap<object, WalletConfig>();
const KEYS = Object.keys(WalletVarsSchema.shape);

/**
 * Reads the WALLET_* vars (cached per env object). A bad value throws the
 * 500 envelope error naming the variable, never its value.
 */
export function loadWalletConfig(env: object): WalletConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const source = env as Record<string, unknown>;
  const input = Object.fromEntries(KEYS.map((key) => [key, source[key] === "" ? undefined : source[key]]));
  const parsed = WalletConfigSchema.safeParse(input);
  if (!parsed.success) {
    const details: Record<string, string> = {};
    for (const issue of parsed.error.issues) details[String(issue.path[0] ?? "env")] ??= issue.message;
    throw new ApiError("INTERNAL", `invalid server configuration: ${Object.keys(details).join(", ")}`, { details: { config: details } });
  }
  const data = parsed.data;
  const config: WalletConfig = {
    sandbox: data.WALLET_RECHARGE_SANDBOX === "true",
    callbackSecret: data.WALLET_CALLBACK_SECRET ?? null,
    callbackWindowSeconds: data.WALLET_CALLBACK_WINDOW_SECONDS,
    paymentProviderUrl: data.WALLET_PAYMENT_PROVIDER_URL ?? null,
    idempotencyTtlSeconds: data.WALLET_IDEMPOTENCY_TTL_SECONDS,
    outbox: { baseDelayMs: data.WALLET_OUTBOX_BASE_DELAY_MS, maxDelayMs: data.WALLET_OUTBOX_MAX_DELAY_MS, timeoutMs: data.WALLET_OUTBOX_TIMEOUT_MS },
    balanceSyncDelayMs: data.WALLET_BALANCE_SYNC_DELAY_MS,
  };
  cache.set(env, config);
  return config;
}

/** What the Wallet Durable Object itself needs: no secrets, so a missing callback secret cannot stop transfers. */
export type WalletObjectSettings = Pick<WalletConfig, "idempotencyTtlSeconds" | "outbox" | "balanceSyncDelayMs">;

const ObjectSettingsSchema = WalletVarsSchema.pick({
  WALLET_IDEMPOTENCY_TTL_SECONDS: true,
  WALLET_OUTBOX_BASE_DELAY_MS: true,
  WALLET_OUTBOX_MAX_DELAY_MS: true,
  WALLET_OUTBOX_TIMEOUT_MS: true,
  WALLET_BALANCE_SYNC_DELAY_MS: true,
});

/**
 * The object's settings from its env. The Worker validated the same vars
 * before calling it; should they still be bad, the object keeps the documented
 * defaults rather than stop moving money it already owes.
 */
export function walletObjectSettings(env: object): WalletObjectSettings {
  const source = env as Record<string, unknown>;
  const input = Object.fromEntries(Object.keys(ObjectSettingsSchema.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]));
  const parsed = ObjectSettingsSchema.safeParse(input);
  const data = parsed.success ? parsed.data : ObjectSettingsSchema.parse({});
  return {
    idempotencyTtlSeconds: data.WALLET_IDEMPOTENCY_TTL_SECONDS,
    outbox: {
      baseDelayMs: data.WALLET_OUTBOX_BASE_DELAY_MS,
      maxDelayMs: Math.max(data.WALLET_OUTBOX_BASE_DELAY_MS, data.WALLET_OUTBOX_MAX_DELAY_MS),
      timeoutMs: data.WALLET_OUTBOX_TIMEOUT_MS,
    },
    balanceSyncDelayMs: data.WALLET_BALANCE_SYNC_DELAY_MS,
  };
}
