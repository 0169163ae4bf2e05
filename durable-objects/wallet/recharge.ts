/**
 * Recharge orders: created `pending`, credited only by the payment provider's
 * verified callback (the route checks the signature and timestamp), once per
 * order whatever the number of callbacks. Sandbox mode credits at creation.
 */
import type { z } from "zod";
import { formatYuan } from "../../contract/wallet/money";
import { walletFailure, type CompleteRechargeResult, type RechargeResult, type WalletFailure } from "../../contract/wallet/results";
import type { CompleteRechargeInputSchema, RechargeInputSchema } from "../../contract/wallet/inputs";
import type { PaymentMethod, RechargeOrder } from "../../contract/wallet/views";
import type { WalletBook } from "./book";
import { fingerprint, once } from "./idempotency";
import { randomHex } from "./ids";

type OrderRow = {
  id: string;
  amount: number;
  method: PaymentMethod;
  status: "pending" | "credited";
  transaction_id: string | null;
  provider_txn_id: string | null;
  created_at: number;
  credited_at: number | null;
};

function orderView(book: WalletBook, row: OrderRow): RechargeOrder {
  return {
    order_id: row.id,
    user_id: book.userId,
    amount: row.amount,
    method: row.method,
    status: row.status,
    transaction_id: row.transaction_id,
    created_at: new Date(row.created_at).toISOString(),
    credited_at: row.credited_at === null ? null : new Date(row.credited_at).toISOString(),
  };
}

const orderRow = (book: WalletBook, id: string) => book.sql.exec<OrderRow>("SELECT * FROM recharge_orders WHERE id = ?", id).toArray()[0] ?? null;

/** Credits a pending order: the ledger row and the order's new state, together. */
function credit(book: WalletBook, order: OrderRow, providerTxnId: string | null): CompleteRechargeResult {
  const transaction = book.post({ type: "recharge", amount: order.amount, status: "completed", reference: order.id, reason: `recharge via ${order.method}` });
  book.sql.exec(
    "UPDATE recharge_orders SET status = 'credited', transaction_id = ?, provider_txn_id = ?, credited_at = ? WHERE id = ?",
    transaction.id,
    providerTxnId,
    book.now,
    order.id,
  );
  return { order: orderView(book, orderRow(book, order.id)!), transaction, ...book.balances(), replayed: false };
}

/** Creates a pending order (credited at once in sandbox mode). Idempotent by key. */
export function createRecharge(book: WalletBook, args: z.output<typeof RechargeInputSchema>, ttlSeconds: number): RechargeResult | WalletFailure {
  return once(book.sql, "recharge", args.idempotencyKey, fingerprint(args.amount, args.method, args.sandbox), book.now, ttlSeconds, () => {
    book.wallet();
    const id = `rc_${book.userId}_${randomHex()}`;
    book.sql.exec(
      "INSERT INTO recharge_orders (id, amount, method, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
      id,
      args.amount,
      args.method,
      book.now,
    );
    const row = orderRow(book, id)!;
    if (args.sandbox) {
      const done = credit(book, row, "sandbox");
      return { order: done.order, transaction: done.transaction, ...book.balances(), replayed: false };
    }
    return { order: orderView(book, row), transaction: null, ...book.balances(), replayed: false };
  });
}

/**
 * The provider's verified callback. The first one credits the order; a repeat
 * with the same amount answers the same order and ledger row with
 * `replayed: true` and credits nothing; a different amount is refused.
 */
export function completeRecharge(book: WalletBook, args: z.output<typeof CompleteRechargeInputSchema>): CompleteRechargeResult | WalletFailure {
  const order = orderRow(book, args.orderId);
  if (!order) return walletFailure("not_found", "no such recharge order");
  if (args.amount !== order.amount) {
    return walletFailure("amount_mismatch", `callback amount ${formatYuan(args.amount)} does not match the order's ${formatYuan(order.amount)}`, {
      amount: "does not match the order",
    });
  }
  if (order.status === "credited") {
    const transaction = book.byReference("recharge", order.id);
    if (!transaction) throw new Error(`credited order ${order.id} has no recharge row`);
    return { order: orderView(book, order), transaction, ...book.balances(), replayed: true };
  }
  return credit(book, order, args.providerTxnId);
}

/** One order, for status checks. */
export function getRecharge(book: WalletBook, orderId: string): RechargeOrder | WalletFailure {
  const order = orderRow(book, orderId);
  return order ? orderView(book, order) : walletFailure("not_found", "no such recharge order");
}
