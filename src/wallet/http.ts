/**
 * Helpers the wallet routes share: yuan → fen with the envelope's field
 * names, the `Idempotency-Key` header, and the replay header.
 */
import { runtimeSetting } from "../runtime-config/cache";
import type { WalletSettings } from "../../contract/runtime-config/wallet-settings";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { parseYuan } from "../../contract/wallet/money";
import { IdempotencyKeySchema } from "../../contract/wallet/inputs";

/** A yuan amount as the clients send it; parsed exactly by `fenOf`. */
export const YuanSchema = z
  .union([z.string(), z.number()], { error: "must be a number or a decimal string in yuan" })
  .openapi({ description: "Yuan, at most 2 decimals, > 0, at most the runtime config's wallet.maxAmountFen; a number or a string", example: "12.34" });

/** The optional `Idempotency-Key` header of money-moving routes. */
export const IdempotencyHeadersSchema = z.object({
  "idempotency-key": IdempotencyKeySchema.optional().openapi({
    description: "Repeat a request with the same key to get the original result without moving money again (kept WALLET_IDEMPOTENCY_TTL_SECONDS)",
    example: "order-7f3a9c",
  }),
});

/** Header set on a response that replays an earlier request's result. */
export const REPLAY_HEADER = "Idempotent-Replayed";

/** The runtime config's wallet settings for this request (the isolate's copy, awaited only when due for a refresh). */
export function walletSettings(c: Context<AppEnv>): WalletSettings | Promise<WalletSettings> {
  return runtimeSetting(c.var.services, (document) => document.wallet);
}

/**
 * Fen for a yuan amount of at most `maxFen` (runtime config `wallet.maxAmountFen`
 * for user requests), or a 400 (code 1001) naming the field. Whatever was
 * wrong with the amount, nothing has moved yet.
 */
export function fenOf(c: Context<AppEnv>, value: unknown, field: string, maxFen: number): number {
  const parsed = parseYuan(value, maxFen);
  if (!parsed.ok) throw new ApiError("INVALID_PARAMETER", "invalid parameters", { details: { [field]: parsed.message } });
  return parsed.fen;
}

/** The caller's Idempotency-Key, or null: a request without one is its own request and cannot be replayed. */
export function idempotencyKeyOf(headers: { "idempotency-key"?: string | undefined }): string | null {
  return headers["idempotency-key"] ?? null;
}

/** Marks a replayed result so clients and logs can tell. */
export function markReplay(c: Context<AppEnv>, replayed: boolean): void {
  if (replayed) c.header(REPLAY_HEADER, "true");
}
