/**
 * The Worker's one way to call a user's Wallet: every call recorded as
 * `wallet.<method>`, an overloaded object as 503, a typed failure as its
 * error-table row (see ../client.ts).
 */
import type { WalletErrorCode } from "../../contract/wallet/results";
import type { Metrics } from "../../src/metrics/api";
import { objectClient, type FailureTable } from "../client";

/**
 * Each `WalletFailure` code and the error it becomes: 400 1001 (also a callback whose amount differs from the
 * order), 404 1004, 409 1006, 3001 insufficient balance, 3002 frozen, 3003 below minimum, 3004 unknown recipient,
 * 3005 self-transfer.
 */
export const WALLET_FAILURES: FailureTable<WalletErrorCode> = {
  invalid_argument: "INVALID_PARAMETER",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  amount_mismatch: "INVALID_PARAMETER",
  insufficient_balance: "INSUFFICIENT_BALANCE",
  wallet_frozen: "WALLET_FROZEN",
  below_minimum: "BELOW_MINIMUM_WITHDRAW",
  unknown_recipient: "UNKNOWN_RECIPIENT",
  self_transfer: "SELF_TRANSFER",
};

/** The user's Wallet. `metrics`: the request's recorder (the isolate's by default). */
export function walletClient(env: Pick<Env, "WALLET">, userId: string, metrics?: Metrics) {
  return objectClient(env.WALLET.getByName(userId), "wallet", WALLET_FAILURES, metrics);
}

/** What `walletClient` returns. */
export type WalletClient = ReturnType<typeof walletClient>;
