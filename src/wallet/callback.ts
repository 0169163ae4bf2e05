/**
 * The payment provider's recharge callback contract, shared by the route that
 * verifies it and by the fake provider in the tests that signs it:
 *
 *   POST /api/v1/finance/wallet/recharge/callback
 *   X-Qingyu-Signature: sha256=<hex HMAC-SHA256(WALLET_CALLBACK_SECRET, raw body)>
 *   {"order_id": "rc_…", "amount": "12.34", "timestamp": 1764230400, "provider_txn_id": "…", "status": "paid"}
 *
 * The signature covers the raw body bytes, so the timestamp (epoch seconds)
 * and amount (yuan, parsed exactly) are signed too.
 */
import { z } from "@hono/zod-openapi";
import { signSha256Header, verifySha256Header } from "../../contract/crypto/hmac";

/** The signature header. */
export const CALLBACK_SIGNATURE_HEADER = "X-Qingyu-Signature";

/** The callback body. */
export const RechargeCallbackSchema = z
  .object({
    order_id: z.string().min(1).max(128).openapi({ example: "rc_4b3c9f0e-6d0a-4b6e-9e53-93f4bd0c2a11_9f0e6d0a4b6e9e5393f4bd0c" }),
    amount: z.union([z.string(), z.number()]).openapi({ description: "Paid amount in yuan; must equal the order's", example: "12.34" }),
    timestamp: z.number().int().positive().openapi({ description: "Epoch seconds when the provider sent this callback", example: 1764230400 }),
    provider_txn_id: z.string().min(1).max(128).optional().openapi({ description: "The provider's own transaction id" }),
    status: z.literal("paid").default("paid").openapi({ description: "Only paid orders are called back" }),
  })
  .openapi("RechargeCallback");

/** A callback body. */
export type RechargeCallback = z.input<typeof RechargeCallbackSchema>;

/** The signature header value for a raw body. */
export const signCallback = signSha256Header;

/** Verifies a signature header in constant time. */
export const verifyCallback = verifySha256Header;

/** True when `timestampSeconds` is within `windowSeconds` of `nowMs`, either way (clocks drift both ways). */
export function freshTimestamp(timestampSeconds: number, nowMs: number, windowSeconds: number): boolean {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= windowSeconds;
}
