/** Input validation inside the Wallet (the routes validate too; this is defence in depth). */
import type { z } from "zod";
import { walletFailure, type WalletFailure } from "../../contract/wallet/results";

/** A parse that either succeeded or names each bad field. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; failure: WalletFailure };

/** Parses an RPC input; `details` keys are field paths (`amount`, `toUserId`). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  const details: Record<string, string> = {};
  for (const issue of result.error.issues) details[issue.path.map(String).join(".") || "input"] ??= issue.message;
  return { ok: false, failure: walletFailure("invalid_argument", "invalid parameters", details) };
}

/** 24 random hex digits for the ids the wallet mints. */
export function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
