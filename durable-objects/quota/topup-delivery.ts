/**
 * Automatic top-up, the sending side: the alarm sends each pending intent to
 * the user's Wallet as a quota purchase whose Idempotency-Key is the intent's
 * id, so however often it is sent (a timeout, a crash after the wallet paid)
 * the wallet pays once; the wallet's own outbox then recharges this quota
 * exactly once. A send that fails or times out is retried with backoff until
 * the wallet answers; a refusal (insufficient balance, a frozen wallet, a
 * refunded purchase) settles the intent as failed with one inbox notice.
 */
import type { AutoTopupResult } from "../../contract/quota/auto-topup";
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { QuotaPurchaseResult, WalletFailure } from "../../contract/wallet/results";
import { measuredStub } from "../../src/lib/measured-stub";
import type { Metrics } from "../../src/metrics/api";
import { withTimeout } from "../outbox/delivery";
import { retryDelayMs } from "../outbox/outbox";
import { addAccountNotice } from "./account-notices";
import type { TopupIntentRow } from "./topup-intents";

/** The wallet purchase's Idempotency-Key for an intent. */
export const topupPurchaseKey = (intentId: string): string => `auto-topup-${intentId}`;

/** Intents sent per alarm run; a user rarely owes more than one. */
const BATCH = 10;

type Settlement = { status: "purchased" | "failed"; result: AutoTopupResult; purchaseId: string | null; failure: string | null; reason: string | null };

function settlementOf(answer: QuotaPurchaseResult | WalletFailure): Settlement {
  if ("error" in answer) {
    const result = answer.error.code === "insufficient_balance" ? "insufficient_balance" : "failed";
    return { status: "failed", result, purchaseId: null, failure: answer.error.code, reason: answer.error.message };
  }
  const { purchase } = answer;
  // Refunded: the quota side refused the recharge (a suspended quota) and the wallet gave the money back.
  if (purchase.status === "refunded") return { status: "failed", result: "failed", purchaseId: purchase.purchase_id, failure: "refunded", reason: purchase.refund_reason };
  // Completed, or pending while the wallet's outbox retries the recharge: paid either way, and delivered exactly once.
  return { status: "purchased", result: "purchased", purchaseId: purchase.purchase_id, failure: null, reason: null };
}

/** Settles an intent with the wallet's answer; returns the result to count, or null when it was settled already. */
function settle(sql: SqlStorage, userId: string, intent: TopupIntentRow, answer: QuotaPurchaseResult | WalletFailure, now: number): AutoTopupResult | null {
  const settlement = settlementOf(answer);
  const cursor = sql.exec(
    "UPDATE topup_intents SET status = ?, purchase_id = ?, failure = ?, last_error = NULL, settled_at = ? WHERE id = ? AND status = 'pending'",
    settlement.status,
    settlement.purchaseId,
    settlement.failure,
    now,
    intent.id,
  );
  if (cursor.rowsWritten === 0) return null;
  if (settlement.status === "failed") {
    // One notice per intent: the event id is the intent's, and the inbox keeps one row per event id.
    const details = { packageId: intent.package_id, amountFen: intent.price_fen, threshold: intent.threshold, reason: (settlement.reason ?? settlement.failure ?? "").slice(0, 500) };
    addAccountNotice(sql, userId, { eventId: topupPurchaseKey(intent.id), kind: "auto_topup_failed", details }, now);
  }
  return settlement.result;
}

/**
 * Sends every due intent (from the alarm), one after another. Each send is counted (`attempts`) before it
 * leaves: the output gate holds the call until that write is durable, so an intent with `attempts = 0` has
 * never reached the wallet, which is what lets turning the setting off cancel it safely.
 */
export async function deliverDueTopups(storage: DurableObjectStorage, env: Env, userId: string, policy: QuotaPolicy, metrics: Metrics): Promise<number> {
  const sql = storage.sql;
  const due = sql
    .exec<TopupIntentRow>("SELECT * FROM topup_intents WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?", Date.now(), BATCH)
    .toArray();
  const timing = policy.autoTopupDelivery;
  for (const intent of due) {
    // Settled or cancelled since the read above: nothing to send.
    if (sql.exec("UPDATE topup_intents SET attempts = attempts + 1 WHERE id = ? AND status = 'pending'", intent.id).rowsWritten === 0) continue;
    const sendNumber = intent.attempts + 1;
    try {
      const wallet = measuredStub(env.WALLET.getByName(userId), "wallet", metrics);
      const input = { amount: intent.price_fen, quotaType: "total" as const, tokens: intent.tokens, packageId: intent.package_id, idempotencyKey: topupPurchaseKey(intent.id), policy };
      const purchase = async (): Promise<QuotaPurchaseResult | WalletFailure> => await wallet.purchaseQuota(input);
      const answer = await withTimeout(purchase(), timing.timeoutMs);
      const result = storage.transactionSync(() => settle(sql, userId, intent, answer, Date.now()));
      if (result) metrics.inc("qingyu_quota_auto_topups_total", { result });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      sql.exec(
        "UPDATE topup_intents SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
        Date.now() + retryDelayMs(sendNumber, timing),
        message.slice(0, 500),
        intent.id,
      );
    }
  }
  return due.length;
}
