/**
 * Money leaving or entering through the user's own actions: consume, the
 * sending side of a transfer (debit + outbox row in one transaction), the
 * receiving side (credit once per transfer id), and what the sender does
 * when the receiver acknowledges or refuses.
 */
import type { z } from "zod";
import { formatYuan } from "../../contract/wallet/money";
import { walletFailure, type ConsumeResult, type CreditResult, type TransferResult, type WalletFailure } from "../../contract/wallet/results";
import type { ConsumeInputSchema, CreditTransferInputSchema, TransferInputSchema } from "../../contract/wallet/inputs";
import type { Transfer } from "../../contract/wallet/views";
import { receiveOnce } from "../outbox/inbox";
import { enqueue, type DeliveryOutcome, type OutboxMessage } from "../outbox/outbox";
import type { WalletBook } from "./book";
import { fingerprint, once } from "./idempotency";

/** Outbox kind of a transfer's credit. */
export const TRANSFER_CREDIT = "transfer_credit";

/** What the sender's outbox carries to the receiver. */
export type TransferCreditPayload = z.input<typeof CreditTransferInputSchema>;

/** Refuses a debit the wallet cannot make: frozen by an admin, or more than is available. */
export function debitCheck(book: WalletBook, amount: number): WalletFailure | null {
  if (book.wallet().frozen === 1) return walletFailure("wallet_frozen", "wallet is frozen by an administrator");
  const available = book.available();
  if (available < amount) {
    return walletFailure("insufficient_balance", `insufficient balance: ${formatYuan(available)} available, ${formatYuan(amount)} needed`, {
      amount: `exceeds the available ${formatYuan(available)}`,
    });
  }
  return null;
}

/** Pays from the available balance. Idempotent by key. */
export function consume(book: WalletBook, args: z.output<typeof ConsumeInputSchema>, ttlSeconds: number): ConsumeResult | WalletFailure {
  return once(book.sql, "consume", args.idempotencyKey, fingerprint(args.amount, args.reason), book.now, ttlSeconds, (key) => {
    const refused = debitCheck(book, args.amount);
    if (refused) return refused;
    const transaction = book.post({ type: "consume", amount: -args.amount, status: "completed", reason: args.reason, idempotencyKey: key });
    return { transaction, ...book.balances(), replayed: false };
  });
}

/**
 * Debits the sender and writes the credit to the outbox, in one transaction.
 * The transfer is `pending` until the receiver acknowledges. The route has
 * already checked that the recipient account exists.
 */
export function transfer(book: WalletBook, args: z.output<typeof TransferInputSchema>, ttlSeconds: number): TransferResult | WalletFailure {
  if (args.toUserId === book.userId) return walletFailure("self_transfer", "cannot transfer to yourself", { to_user_id: "is your own account" });
  return once(book.sql, "transfer", args.idempotencyKey, fingerprint(args.toUserId, args.amount, args.reason), book.now, ttlSeconds, (key) => {
    const refused = debitCheck(book, args.amount);
    if (refused) return refused;
    const transferId = crypto.randomUUID();
    const transaction = book.post({
      type: "transfer_out",
      amount: -args.amount,
      status: "pending",
      relatedUserId: args.toUserId,
      reference: transferId,
      reason: args.reason,
      idempotencyKey: key,
    });
    const payload: TransferCreditPayload = { transferId, fromUserId: book.userId, amount: args.amount, reason: args.reason };
    enqueue(book.sql, { id: transferId, kind: TRANSFER_CREDIT, target: args.toUserId, payload, amount: args.amount }, book.now);
    const view: Transfer = {
      transfer_id: transferId,
      from_user_id: book.userId,
      to_user_id: args.toUserId,
      amount: args.amount,
      reason: args.reason,
      status: "pending",
      created_at: transaction.created_at,
    };
    return { transfer: view, transaction, ...book.balances(), replayed: false };
  });
}

/** The transfer's current state from the sender's ledger (a replay or a delivery may have moved it on). */
export function transferStatus(book: WalletBook, transferId: string): Transfer["status"] {
  const status = book.byReference("transfer_out", transferId)?.status;
  return status === "completed" || status === "refunded" ? status : "pending";
}

/** The receiving side: credits once per transfer id; a redelivery answers the first result. A frozen wallet still receives. */
export function creditTransfer(book: WalletBook, args: z.output<typeof CreditTransferInputSchema>): CreditResult {
  const received = receiveOnce(book.sql, args.transferId, TRANSFER_CREDIT, args.fromUserId, book.now, () => {
    const transaction = book.post({
      type: "transfer_in",
      amount: args.amount,
      status: "completed",
      relatedUserId: args.fromUserId,
      reference: args.transferId,
      reason: args.reason,
    });
    return { transfer_id: args.transferId, transaction_id: transaction.id, duplicate: false };
  });
  return { ...received.result, duplicate: received.duplicate };
}

/**
 * Settles a delivered money message on the sending side, inside the transaction
 * that marks it settled: acknowledged → the debit row is `completed`; refused →
 * a `refund` row gives the money back and the debit row is `refunded`.
 */
export function settleDebit(book: WalletBook, debitType: "transfer_out" | "quota_purchase", message: OutboxMessage, outcome: DeliveryOutcome): void {
  const debit = book.byReference(debitType, message.id);
  if (!debit) return;
  if (outcome.type === "acked") {
    book.setStatus(debit.id, "completed");
    return;
  }
  book.post({
    type: "refund",
    amount: -debit.amount,
    status: "completed",
    relatedUserId: debit.related_user_id,
    reference: message.id,
    reason: `refund: ${outcome.reason}`.slice(0, 500),
  });
  book.setStatus(debit.id, "refunded");
}
