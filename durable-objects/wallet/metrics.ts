/**
 * What a Wallet records: every ledger posting (type, amount), refusals by
 * reason, replays, outbox messages owed and their retries. Recording is a
 * buffer update after the transaction committed; the batch goes to the
 * MetricsShards with the isolate's flush policy (src/metrics/durable-object.ts).
 */
import type { Metrics } from "../../src/metrics/api";
import { DurableObjectMetrics } from "../object-metrics";
import type { WalletErrorCode, WalletFailure } from "../../contract/wallet/results";
import type { LedgerType } from "../../contract/wallet/views";
import type { OutboxMessage } from "../outbox/outbox";
import type { Posting } from "./book";
import { QUOTA_RECHARGE } from "./quota-purchase";
import { TRANSFER_CREDIT } from "./spend";

type Result = "success" | "insufficient" | "frozen" | "invalid" | "duplicate" | "error";
type OutboxKind = "transfer" | "quota_purchase";

const RESULT_OF: Record<WalletErrorCode, Result> = {
  insufficient_balance: "insufficient",
  wallet_frozen: "frozen",
  invalid_argument: "invalid",
  not_found: "invalid",
  amount_mismatch: "invalid",
  below_minimum: "invalid",
  unknown_recipient: "invalid",
  self_transfer: "invalid",
  // A reused idempotency key with a different body, or a second review: the request repeats one already decided.
  conflict: "duplicate",
};

/** The `kind` label of an outbox message, or null for kinds that carry no money (the D1 withdrawal index). */
export function outboxKind(kind: string): OutboxKind | null {
  return kind === TRANSFER_CREDIT ? "transfer" : kind === QUOTA_RECHARGE ? "quota_purchase" : null;
}

/** One Wallet's metrics. */
export class WalletMetrics {
  readonly #object: DurableObjectMetrics;

  constructor(object: DurableObjectMetrics) {
    this.#object = object;
  }

  get #recorder(): Metrics {
    return this.#object.recorder;
  }

  /** Postings of a committed transaction: one successful transaction each, and the money moved (held money for holds and releases). */
  posted(postings: readonly Pick<Posting, "type" | "amount" | "heldDelta">[]): void {
    for (const posting of postings) {
      this.#recorder.inc("qingyu_wallet_transactions_total", { type: posting.type, result: "success" });
      const fen = Math.abs(posting.amount !== 0 ? posting.amount : (posting.heldDelta ?? 0));
      this.#recorder.inc("qingyu_wallet_amount_fen_total", { type: posting.type }, fen);
    }
  }

  /** An operation of `type` that moved nothing: a typed refusal, a replay, or a thrown error. */
  refused(type: LedgerType, outcome: WalletFailure | "duplicate" | "error"): void {
    const result = typeof outcome === "string" ? outcome : RESULT_OF[outcome.error.code];
    this.#recorder.inc("qingyu_wallet_transactions_total", { type, result });
  }

  /** Runs a money operation and counts it if it moved nothing: refused, replayed, or thrown (rethrown). */
  countUnposted<T extends object>(type: LedgerType, operation: () => T | WalletFailure): T | WalletFailure {
    let result: T | WalletFailure;
    try {
      result = operation();
    } catch (error) {
      this.refused(type, "error");
      throw error;
    }
    if ("error" in result) this.refused(type, result as WalletFailure);
    else if ((result as { replayed?: unknown }).replayed === true) this.refused(type, "duplicate");
    return result;
  }

  /** A money-carrying message was written to the outbox (+1) or settled (−1). */
  outboxChanged(kind: string, delta: 1 | -1): void {
    const label = outboxKind(kind);
    if (label) this.#recorder.add("qingyu_wallet_outbox_pending", { kind: label }, delta);
  }

  /** A delivery attempt: sends after the first are retries (the first creates the series at 0). */
  attempted(message: Pick<OutboxMessage, "kind">, sendNumber: number): void {
    const label = outboxKind(message.kind);
    if (label) this.#recorder.inc("qingyu_wallet_outbox_delivery_retries_total", { kind: label }, sendNumber > 1 ? 1 : 0);
  }

  /** Flushes if due, else makes sure a delayed flush is pending. */
  afterWork(): void {
    this.#object.afterWork();
  }
}
