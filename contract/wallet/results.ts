/**
 * What each `Wallet` RPC returns. Business failures come back as a
 * `WalletFailure` value, not a thrown error, because Workers RPC keeps only an
 * exception's message: the code and per-field details would be lost.
 */
import { isRpcFailure, rpcFailure, type RpcFailure } from "../rpc-failure";
import type { Balances, LedgerEntry, QuotaPurchase, RechargeOrder, Transfer, WalletView, Withdrawal } from "./views";

/**
 * Failure codes, each mapped to one row of the error table by the service:
 * invalid_argument 1001, not_found 1004, conflict 1006, amount_mismatch 1001,
 * insufficient_balance 3001, wallet_frozen 3002, below_minimum 3003,
 * unknown_recipient 3004, self_transfer 3005.
 */
export type WalletErrorCode =
  | "invalid_argument"
  | "not_found"
  | "conflict"
  | "amount_mismatch"
  | "insufficient_balance"
  | "wallet_frozen"
  | "below_minimum"
  | "unknown_recipient"
  | "self_transfer";

/** A typed failure; `details` names fields (`amount`, `idempotency_key`) with their message. */
export type WalletRpcError = WalletFailure["error"];

/** The failure branch of every RPC result. */
export type WalletFailure = RpcFailure<WalletErrorCode>;

/** True when an RPC answered with a failure instead of its result. */
export const isWalletFailure: <T extends object>(result: T | WalletFailure) => result is WalletFailure = isRpcFailure;

/** Builds a failure value. */
export const walletFailure: (code: WalletErrorCode, message: string, details?: Record<string, string>) => WalletFailure = rpcFailure;

/** Every money-moving result says whether it is the replay of an earlier identical request. */
type Replayable = { replayed: boolean };

/** `consume`. */
export type ConsumeResult = Replayable & Balances & { transaction: LedgerEntry };

/** `createRecharge`: the order (already credited in sandbox mode, with its ledger row). */
export type RechargeResult = Replayable & Balances & { order: RechargeOrder; transaction: LedgerEntry | null };

/** `completeRecharge`: the provider's verified callback; a repeat answers the first result with `replayed: true`. */
export type CompleteRechargeResult = Replayable & Balances & { order: RechargeOrder; transaction: LedgerEntry };

/** `transfer`: the debit is done; the credit is `completed` once the receiver acknowledged it. */
export type TransferResult = Replayable & Balances & { transfer: Transfer; transaction: LedgerEntry };

/** `purchaseQuota`: the debit is done; the tokens are `completed` once the QuotaCounter acknowledged, `refunded` if it refused. */
export type QuotaPurchaseResult = Replayable & Balances & { purchase: QuotaPurchase; transaction: LedgerEntry };

/** `creditTransfer` on the receiving wallet; `duplicate` when this transfer id was applied before. */
export type CreditResult = { transfer_id: string; transaction_id: string; duplicate: boolean };

/** `requestWithdraw`. */
export type WithdrawResult = Replayable & Balances & { withdrawal: Withdrawal; transaction: LedgerEntry };

/** `reviewWithdraw`. */
export type ReviewResult = Balances & { withdrawal: Withdrawal; transaction: LedgerEntry };

/** `setFrozen`. */
export type FreezeResult = { wallet: WalletView; changed: boolean };

/** A page of rows and the total the filter matches. */
export type Page<T> = { items: T[]; total: number };

/**
 * `verifyLedger`: the ledger replayed from zero. `ok` is true when every row's
 * `balance_after`/`held_after` match the running sums, nothing went negative,
 * held never exceeded the balance, and the sums equal the wallet's stored
 * balance, held money and pending withdrawals.
 */
export type LedgerVerification = {
  ok: boolean;
  rows: number;
  balance: number;
  held: number;
  replayed_balance: number;
  replayed_held: number;
  problems: string[];
};

/** Money this wallet has sent that its receivers have not acknowledged yet (conservation checks count it). */
export type InFlight = { transfers: number; quota_purchases: number; messages: number };
