/**
 * What each `QuotaCounter` RPC returns. Domain failures (bad input, unknown
 * reservation, conflicting reuse) come back as a `QuotaFailure` value, not a
 * thrown error, because Workers RPC keeps only an exception's message and
 * built-in name: the typed `code` and per-field `details` would be lost.
 */
import { isRpcFailure, type RpcFailure } from "../rpc-failure";
import type { QuotaType } from "./inputs";
import type { InboxNotification, LedgerEntry, PricedCharge, QuotaEvent, QuotaNotification, QuotaView, ReservationView } from "./views";

/**
 * `invalid_argument` → 400 code 1001; `not_found` → 404 code 1004; `conflict` → 409 code 1006;
 * `unknown_model` → 422 code 4221 (a priced call for a model the price table refuses).
 */
export type QuotaErrorCode = "invalid_argument" | "not_found" | "conflict" | "unknown_model";

/** A typed failure. `details` names each bad field (`amount`, `policy.timeZone`) with its message. */
export type QuotaRpcError = QuotaFailure["error"];

/** The failure branch of every RPC result. */
export type QuotaFailure = RpcFailure<QuotaErrorCode>;

/** True when an RPC answered with a failure instead of its result. */
export const isQuotaFailure: <T extends object>(result: T | QuotaFailure) => result is QuotaFailure = isRpcFailure;

/**
 * A consume or reserve decision:
 * - `ok`: charged (or reserved);
 * - `insufficient`: something remains but less than `amount` → 429 code 4291;
 * - `exhausted`: nothing remains → 429 code 4292;
 * - `suspended`: an admin suspended the quota → 403 code 4031;
 * - `duplicate`: the `requestId` was already used with different parameters → 409; nothing charged.
 * An exact replay of a `requestId` returns the original decision unchanged, with `replayed: true`.
 */
export type QuotaOutcome = "ok" | "insufficient" | "exhausted" | "suspended" | "duplicate";

/** Fields every mutating result carries so routes can set `X-Quota-*` headers and count events. */
type QuotaChange = {
  /** The quota after the operation (`remainingQuota`, `level`, `resetAt` for headers and Retry-After). */
  quota: QuotaView;
  /**
   * Level events this operation caused, already stored in the inbox and outbox. A replay
   * carries the original's events: count them in metrics only when `replayed` is false.
   */
  events: QuotaEvent[];
  /** True when this is a replay of an earlier identical request; the rest of the result is the original. */
  replayed: boolean;
};

/** `consume` result. */
export type ConsumeResult = QuotaChange & {
  outcome: QuotaOutcome;
  requestId: string;
  quotaType: QuotaType;
  /** Credits requested (a priced call's credits; 0 for a `duplicate` of one). */
  amount: number;
  /** Credits charged: `amount` when `ok`, else 0. */
  charged: number;
  /** Ledger row id when charged. */
  transactionId: string | null;
  /** The priced call behind `amount` (model, tokens, price version), or null for a plain amount. */
  priced: PricedCharge | null;
};

/** `reserve` result: a consume-like decision plus the reservation when `ok`. */
export type ReserveResult = Omit<ConsumeResult, "charged"> & { reservation: ReservationView | null };

/** `commit` result. `overage` is the part of `actual` beyond what remained, recorded but not charged. */
export type CommitResult = QuotaChange & { reservation: ReservationView; charged: number; overage: number; transactionId: string; priced: PricedCharge | null };

/** `release` result; `released` is 0 when the reservation had already expired. */
export type ReleaseResult = QuotaChange & { reservation: ReservationView; released: number };

/** `recharge` result. */
export type RechargeResult = QuotaChange & { requestId: string; quotaType: QuotaType; amount: number; transactionId: string };

/** `restore` result; `restored` is capped at what was used this period. */
export type RestoreResult = QuotaChange & { requestId: string; quotaType: QuotaType; amount: number; restored: number; transactionId: string };

/** `setTotal` result. */
export type SetTotalResult = { quota: QuotaView; events: QuotaEvent[] };

/** `suspend` / `activate` result: every quota the call touched. */
export type SuspensionResult = { quotas: QuotaView[] };

/** A ledger page, newest first; `total` counts every row. */
export type TransactionsPage = { items: LedgerEntry[]; total: number; limit: number; offset: number };

/** An inbox page, newest first; `byKind` (every notification counted per kind) only when asked for. */
export type NotificationsPage = { items: InboxNotification[]; total: number; unread: number; limit: number; offset: number; byKind?: Record<string, number> };

/** `markNotificationRead` result. */
export type MarkNotificationReadResult = { notification: InboxNotification };

/** `addAccountNotice` result: the inbox entry, and whether this call stored it (false: the event was already there). */
export type AddAccountNoticeResult = { notification: InboxNotification; created: boolean };

/**
 * Messages the quota WebSocket sends: a `snapshot` on connect (and when the
 * client sends `"snapshot"`), then `level` whenever a quota's level changes,
 * carrying the event for downward crossings.
 */
export type QuotaStreamMessage =
  | { type: "snapshot"; quotas: QuotaView[]; at: string }
  | { type: "level"; quota: QuotaView; previousLevel: QuotaView["level"]; event: QuotaEvent | null; at: string };
