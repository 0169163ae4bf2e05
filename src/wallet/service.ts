/**
 * The wallet's business rules on the Worker side: checks that need more than
 * one wallet (self-transfer, the recipient's account) and the sandbox
 * setting. Calls go through the Wallet's typed client, which records them and
 * turns typed failures into the error table. No HTTP types here; routes parse
 * yuan and headers and call this.
 */
import { walletClient } from "../../durable-objects/wallet/client";
import { ApiError } from "../errors";
import type { UserStore } from "../users/user-store";
import type { WalletConfig } from "./config";
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

/** The wallet that owns a minted order or withdrawal id, or null when the id is not one. */
export function ownerOf(id: string, kind: "rc" | "wd"): string | null {
  const match = MINTED_ID.exec(id);
  return match && match[1] === kind ? (match[2] ?? null) : null;
}

/** What the routes need from the wallet. */
export function createWalletService(env: Env, config: WalletConfig, users: UserStore) {
  // Every call is counted as a Durable Object call (operation `wallet.<method>`).
  const walletOf = (userId: string) => walletClient(env, userId);
  return {
    config,

    wallet: (userId: string) => walletOf(userId).getWallet(),

    consume: async (userId: string, input: ConsumeInput) => walletOf(userId).consume(input),

    /** A pending order, or a credited one in sandbox mode; `payment_url` tells the client where to pay. */
    async recharge(userId: string, input: Omit<RechargeInput, "sandbox">) {
      const result = await walletOf(userId).createRecharge({ ...input, sandbox: config.sandbox });
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
      return walletOf(owner).completeRecharge({ orderId, amount, providerTxnId });
    },

    async rechargeOrder(userId: string, orderId: string) {
      if (ownerOf(orderId, "rc") !== userId) throw new ApiError("NOT_FOUND", "no such recharge order");
      return walletOf(userId).getRecharge(orderId);
    },

    /** Refuses self-transfers and unknown recipients before anything is debited. */
    async transfer(userId: string, input: TransferInput) {
      if (input.toUserId === userId)
        throw new ApiError("SELF_TRANSFER", "cannot transfer to yourself", { details: { "json.to_user_id": "is your own account" } });
      const recipient = WalletOwnerSchema.safeParse(input.toUserId).success ? await users.findById(input.toUserId) : null;
      if (!recipient) throw new ApiError("UNKNOWN_RECIPIENT", "no account with that user id", { details: { "json.to_user_id": "no such account" } });
      return walletOf(userId).transfer(input);
    },

    /** Buys AI quota with wallet money (the route resolved the package or amount and the buyer's quota policy). */
    purchaseQuota: async (userId: string, input: QuotaPurchaseInput) => walletOf(userId).purchaseQuota(input),

    /** `minimum` comes from the runtime config (`wallet.minWithdrawFen`). */
    withdraw: async (userId: string, input: WithdrawInput) => walletOf(userId).requestWithdraw(input),

    transactions: async (userId: string, page: ListTransactionsInput) => walletOf(userId).listTransactions(page),

    withdrawals: async (userId: string, page: ListWithdrawalsInput) => walletOf(userId).listWithdrawals(page),

    /** Admin review; the wallet that owns the withdrawal is named in its id. */
    async review(input: { withdrawId: string; approved: boolean; reason: string | null; reviewer: string }) {
      const owner = ownerOf(input.withdrawId, "wd");
      if (!owner) throw new ApiError("NOT_FOUND", "no such withdrawal");
      return walletOf(owner).reviewWithdraw(input);
    },

    /** Admin reconciliation: the ledger replayed from zero, and money sent but not yet acknowledged. */
    async reconcile(userId: string) {
      if (!(await users.findById(userId))) throw new ApiError("NOT_FOUND", "no such user");
      const [ledger, inFlight] = await Promise.all([walletOf(userId).verifyLedger(), walletOf(userId).inFlight()]);
      return { ledger, in_flight: inFlight };
    },

    /** Admin freeze or unfreeze of an existing account's wallet. */
    async setFrozen(userId: string, frozen: boolean, reason: string | null, by: string) {
      if (!(await users.findById(userId))) throw new ApiError("NOT_FOUND", "no such user");
      return walletOf(userId).setFrozen({ frozen, reason, by });
    },
  };
}

/** The wallet service. */
export type WalletService = ReturnType<typeof createWalletService>;
