/**
 * How the Wallet's outbox messages are delivered, by kind, and what the
 * sending wallet does once each is settled.
 */
import { measuredCall } from "../../src/lib/dependency";
import { measuredStub } from "../../src/lib/measured-stub";
import type { Metrics } from "../../src/metrics/api";
import type { OutboxHandler } from "../outbox/delivery";
import type { DeliveryOutcome, OutboxMessage } from "../outbox/outbox";
import { UPSERT_WALLET_BALANCE, WALLET_BALANCE, type WalletBalancePayload } from "./balance-projection";
import type { WalletBook } from "./book";
import { QUOTA_RECHARGE, type QuotaRechargePayload } from "./quota-purchase";
import { settleDebit, TRANSFER_CREDIT, type TransferCreditPayload } from "./spend";
import { WITHDRAWAL_INDEX, type WithdrawalIndexPayload } from "./withdraw";

/** Upserts a withdrawal into the admins' D1 index; an older version never overwrites a newer one. */
const UPSERT_WITHDRAWAL = `
  INSERT INTO wallet_withdrawals (id, user_id, amount, account, method, status, review_reason, reviewed_by, reviewed_at, created_at, version)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, review_reason = excluded.review_reason, reviewed_by = excluded.reviewed_by,
    reviewed_at = excluded.reviewed_at, version = excluded.version
  WHERE excluded.version > wallet_withdrawals.version`;

/**
 * The handlers for every kind the Wallet sends; their calls to other objects and D1 are counted as dependency calls,
 * into the recorder `metrics()` gives at the time of each call (it follows the recording switch).
 */
export function walletHandlers(env: Env, metrics: () => Metrics | undefined = () => undefined): Record<string, OutboxHandler> {
  return {
    async [TRANSFER_CREDIT](message: OutboxMessage): Promise<DeliveryOutcome> {
      // The text is the payload `transfer` wrote.
      const payload = JSON.parse(message.payload) as TransferCreditPayload;
      const result = await measuredStub(env.WALLET.getByName(message.target), "wallet", metrics()).creditTransfer(payload);
      // Only a refusal of the input itself is final; the receiver never refuses a valid credit.
      if ("error" in result) return { type: "rejected", reason: result.error.message };
      return { type: "acked", result: JSON.stringify(result) };
    },
    async [QUOTA_RECHARGE](message: OutboxMessage): Promise<DeliveryOutcome> {
      const { input, policy } = JSON.parse(message.payload) as QuotaRechargePayload;
      const counter = measuredStub(env.QUOTA_COUNTER.getByName(message.target), "quota_counter", metrics());
      // QuotaCounter.recharge adds tokens to a suspended quota, so a suspended buyer is refused here. Only
      // before the first send: once a recharge may have reached the counter (a send was counted durably
      // before it left), the purchase must complete, or the buyer would keep both the tokens and the money.
      if (message.attempts === 0) {
        const quota = await counter.getQuota({ quotaType: input.quotaType }, policy);
        if ("error" in quota) return { type: "rejected", reason: quota.error.message };
        if (quota.status === "suspended") return { type: "rejected", reason: `${input.quotaType} quota is suspended` };
      }
      const result = await counter.recharge(input, policy);
      // A typed failure is the counter refusing this recharge for good (invalid, above the maximum total, key reuse).
      if ("error" in result) return { type: "rejected", reason: result.error.message };
      return { type: "acked", result: JSON.stringify({ transactionId: result.transactionId, replayed: result.replayed }) };
    },
    async [WITHDRAWAL_INDEX](message: OutboxMessage): Promise<DeliveryOutcome> {
      const row = JSON.parse(message.payload) as WithdrawalIndexPayload;
      const statement = env.DB.prepare(UPSERT_WITHDRAWAL).bind(
        row.id,
        row.user_id,
        row.amount,
        row.account,
        row.method,
        row.status,
        row.review_reason,
        row.reviewed_by,
        row.reviewed_at,
        row.created_at,
        row.version,
      );
      await measuredCall("d1", "withdrawals.upsert", () => statement.run(), { metrics: metrics() });
      return { type: "acked", result: null };
    },
    async [WALLET_BALANCE](message: OutboxMessage): Promise<DeliveryOutcome> {
      const row = JSON.parse(message.payload) as WalletBalancePayload;
      await env.DB.prepare(UPSERT_WALLET_BALANCE).bind(row.user_id, row.balance, row.held, row.version, Date.now()).run();
      return { type: "acked", result: null };
    },
  };
}

/** What the sending wallet does when a message is settled (inside the settling transaction). */
export function settleWalletMessage(book: WalletBook, message: OutboxMessage, outcome: DeliveryOutcome): void {
  if (message.kind === TRANSFER_CREDIT) settleDebit(book, "transfer_out", message, outcome);
  if (message.kind === QUOTA_RECHARGE) settleDebit(book, "quota_purchase", message, outcome);
}
