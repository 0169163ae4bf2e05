/**
 * How the Wallet's outbox messages are delivered, by kind, and what the
 * sending wallet does once each is settled.
 */
import type { OutboxHandler } from "../outbox/delivery";
import type { DeliveryOutcome, OutboxMessage } from "../outbox/outbox";
import type { WalletBook } from "./book";
import { settleDebit, TRANSFER_CREDIT, type TransferCreditPayload } from "./spend";
import { WITHDRAWAL_INDEX, type WithdrawalIndexPayload } from "./withdraw";

/** Upserts a withdrawal into the admins' D1 index; an older version never overwrites a newer one. */
const UPSERT_WITHDRAWAL = `
  INSERT INTO wallet_withdrawals (id, user_id, amount, account, method, status, review_reason, reviewed_by, reviewed_at, created_at, version)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET status = excluded.status, review_reason = excluded.review_reason, reviewed_by = excluded.reviewed_by,
    reviewed_at = excluded.reviewed_at, version = excluded.version
  WHERE excluded.version > wallet_withdrawals.version`;

/** The handlers for every kind the Wallet sends. */
export function walletHandlers(env: Env): Record<string, OutboxHandler> {
  return {
    async [TRANSFER_CREDIT](message: OutboxMessage): Promise<DeliveryOutcome> {
      // The text is the payload `transfer` wrote.
      const payload = JSON.parse(message.payload) as TransferCreditPayload;
      const result = await env.WALLET.getByName(message.target).creditTransfer(payload);
      // Only a refusal of the input itself is final; the receiver never refuses a valid credit.
      if ("error" in result) return { type: "rejected", reason: result.error.message };
      return { type: "acked", result: JSON.stringify(result) };
    },
    async [WITHDRAWAL_INDEX](message: OutboxMessage): Promise<DeliveryOutcome> {
      const row = JSON.parse(message.payload) as WithdrawalIndexPayload;
      await env.DB.prepare(UPSERT_WITHDRAWAL)
        .bind(
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
        )
        .run();
      return { type: "acked", result: null };
    },
  };
}

/** What the sending wallet does when a message is settled (inside the settling transaction). */
export function settleWalletMessage(book: WalletBook, message: OutboxMessage, outcome: DeliveryOutcome): void {
  if (message.kind === TRANSFER_CREDIT) settleDebit(book, "transfer_out", message, outcome);
}
