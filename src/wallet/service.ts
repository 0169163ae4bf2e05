/**
 * The wallet's business rules on the Worker side: checks that need more than
 * one wallet (self-transfer, the recipient's account), the sandbox setting,
 * and turning the Wallet object's typed failures into the error table. No
 * HTTP types here; routes parse yuan and headers and call this.
 */
import type { Wallet } from "../../durable-objects/wallet/object";
import { ApiError, type ErrorName } from "../errors";
import { measuredStub } from "../lib/measured-stub";
import type { UserStore } from "../users/user-store";
import type { WalletConfig } from "./config";
import { isWalletFailure, type WalletErrorCode, type WalletFailure } from "../../contract/wallet/results";
import {
  MINTED_ID,
  WalletOwnerSchema,
  type ConsumeInput,
  type ListTransactionsInput,
  type ListWithdrawalsInput,
  type QuotaPurchaseInput,
  type RechargeInput,
  type TransferInput,
  type WithdrawInput,
} from "../../contract/wallet/inputs";

const FAILURE_TO_ERROR: Record<WalletErrorCode, ErrorName> = {
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

/** Returns the result, or throws the envelope error for a typed failure (generic over the stub's own result type, which adds `Disposable`). */
export function unwrapWallet<R extends object>(result: R): Exclude<R, WalletFailure> {
  if (isWalletFailure(result as object)) {
    const { code, message, details } = (result as unknown as WalletFailure).error;
    throw new ApiError(FAILURE_TO_ERROR[code], message, { details: Object.keys(details).length > 0 ? details : undefined });
  }
  return result as Exclude<R, WalletFailure>;
}

/**
 * Calls the Wallet object. An overloaded or briefly unreachable object (the
 * runtime marks those errors retryable) is a 503 with Retry-After, never a 500;
 * anything else is a bug and stays a 500.
 */
async function call<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const flags = error as { retryable?: boolean; overloaded?: boolean };
    if (flags.retryable === true || flags.overloaded === true) {
      throw new ApiError("DEPENDENCY_UNAVAILABLE", "wallet temporarily unavailable; retry shortly", { cause: error, headers: { "Retry-After": "1" } });
    }
    throw error;
  }
}

/** The wallet that owns a minted order or withdrawal id, or null when the id is not one. */
export function ownerOf(id: string, kind: "rc" | "wd"): string | null {
  const match = MINTED_ID.exec(id);
  return match && match[1] === kind ? (match[2] ?? null) : null;
}

/** What the routes need from the wallet. */
export function createWalletService(env: Env, config: WalletConfig, users: UserStore) {
  // Every call through the stub is counted as a Durable Object call (operation `wallet.<method>`).
  const stub = (userId: string): DurableObjectStub<Wallet> => measuredStub(env.WALLET.getByName(userId), "wallet");
  return {
    config,
    stub,
    call,

    wallet: (userId: string) => call(async () => await stub(userId).getWallet()),

    consume: async (userId: string, input: ConsumeInput) => unwrapWallet(await call(async () => await stub(userId).consume(input))),

    /** A pending order, or a credited one in sandbox mode; `payment_url` tells the client where to pay. */
    async recharge(userId: string, input: Omit<RechargeInput, "sandbox">) {
      const result = unwrapWallet(await call(async () => await stub(userId).createRecharge({ ...input, sandbox: config.sandbox })));
      const { order } = result;
      const paymentUrl =
        config.paymentProviderUrl && order.status === "pending"
          ? `${config.paymentProviderUrl.replace(/\/$/, "")}/pay?order_id=${encodeURIComponent(order.order_id)}&amount=${order.amount}`
          : null;
      return { ...result, order: { ...order, payment_url: paymentUrl } };
    },

    /** Credits an order from a verified callback (the route has checked signature and timestamp). */
    async completeRecharge(orderId: string, amount: number, providerTxnId: string | null) {
      const owner = ownerOf(orderId, "rc");
      if (!owner) throw new ApiError("NOT_FOUND", "no such recharge order");
      return unwrapWallet(await call(async () => await stub(owner).completeRecharge({ orderId, amount, providerTxnId })));
    },

    async rechargeOrder(userId: string, orderId: string) {
      if (ownerOf(orderId, "rc") !== userId) throw new ApiError("NOT_FOUND", "no such recharge order");
      return unwrapWallet(await call(async () => await stub(userId).getRecharge(orderId)));
    },

    /** Refuses self-transfers and unknown recipients before anything is debited. */
    async transfer(userId: string, input: TransferInput) {
      if (input.toUserId === userId)
        throw new ApiError("SELF_TRANSFER", "cannot transfer to yourself", { details: { "json.to_user_id": "is your own account" } });
      const recipient = WalletOwnerSchema.safeParse(input.toUserId).success ? await users.findById(input.toUserId) : null;
      if (!recipient) throw new ApiError("UNKNOWN_RECIPIENT", "no account with that user id", { details: { "json.to_user_id": "no such account" } });
      return unwrapWallet(await call(async () => await stub(userId).transfer(input)));
    },

    /** Buys AI quota with wallet money (the route resolved the package or amount and the buyer's quota policy). */
    purchaseQuota: async (userId: string, input: QuotaPurchaseInput) => unwrapWallet(await call(async () => await stub(userId).purchaseQuota(input))),

    /** `minimum` comes from the runtime config (`wallet.minWithdrawFen`). */
    withdraw: async (userId: string, input: WithdrawInput) => unwrapWallet(await call(async () => await stub(userId).requestWithdraw(input))),

    transactions: async (userId: string, page: ListTransactionsInput) => unwrapWallet(await call(async () => await stub(userId).listTransactions(page))),

    withdrawals: async (userId: string, page: ListWithdrawalsInput) => unwrapWallet(await call(async () => await stub(userId).listWithdrawals(page))),

    /** Admin review; the wallet that owns the withdrawal is named in its id. */
    async review(input: { withdrawId: string; approved: boolean; reason: string | null; reviewer: string }) {
      const owner = ownerOf(input.withdrawId, "wd");
      if (!owner) throw new ApiError("NOT_FOUND", "no such withdrawal");
      return unwrapWallet(await call(async () => await stub(owner).reviewWithdraw(input)));
    },

    /** Admin reconciliation: the ledger replayed from zero, and money sent but not yet acknowledged. */
    async reconcile(userId: string) {
      if (!(await users.findById(userId))) throw new ApiError("NOT_FOUND", "no such user");
      const [ledger, inFlight] = await Promise.all([call(async () => await stub(userId).verifyLedger()), call(async () => await stub(userId).inFlight())]);
      return { ledger, in_flight: inFlight };
    },

    /** Admin freeze or unfreeze of an existing account's wallet. */
    async setFrozen(userId: string, frozen: boolean, reason: string | null, by: string) {
      if (!(await users.findById(userId))) throw new ApiError("NOT_FOUND", "no such user");
      return unwrapWallet(await call(async () => await stub(userId).setFrozen({ frozen, reason, by })));
    },
  };
}

/** The wallet service. */
export type WalletService = ReturnType<typeof createWalletService>;
