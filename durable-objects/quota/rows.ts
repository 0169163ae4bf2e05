/**
 * Storage row shapes (snake_case, epoch ms) and their mapping to the camelCase
 * views in src/quota/views.ts (ISO times).
 */
import type { LedgerType, QuotaLevel, QuotaStatus, QuotaType } from "../../contract/quota/inputs";
import type { NoticeEvent } from "../../contract/messaging/notice-text";
import type { LedgerEntry, QuotaNotification, QuotaView, ReservationView } from "../../contract/quota/views";

/** A `quotas` row. */
export type QuotaRow = {
  quota_type: QuotaType;
  id: string;
  base_total: number | null;
  total_source: "plan" | "admin";
  bonus: number;
  used: number;
  reserved: number;
  suspended: number;
  level: QuotaLevel;
  fired: number;
  period_start: number;
  reset_at: number | null;
  created_at: number;
  updated_at: number;
  /** Burn rate in credits per ms and when it was last updated (see forecast.ts). */
  burn_rate: number;
  burn_at: number | null;
  /** Credits rolled over into this period (see lifecycle `rolloverOf`); part of the total, spent first. */
  rolled: number;
};

/** A `ledger` row. */
export type LedgerRow = {
  seq: number;
  id: string;
  quota_type: QuotaType;
  amount: number;
  type: LedgerType;
  service: string | null;
  model: string | null;
  request_id: string | null;
  description: string | null;
  before_balance: number;
  after_balance: number;
  timestamp: number;
  input_tokens: number | null;
  output_tokens: number | null;
  price_version: string | null;
};

/** A `reservations` row. */
export type ReservationRow = {
  id: string;
  quota_type: QuotaType;
  amount: number;
  service: string;
  model: string | null;
  request_id: string;
  status: ReservationView["status"];
  expires_at: number;
  created_at: number;
  settled_at: number | null;
  actual: number | null;
  charged: number | null;
  overage: number | null;
  /** A priced reservation's price (micro-credits per 1,000 tokens) and its table version; null for a plain amount. */
  price_version: string | null;
  input_price: number | null;
  output_price: number | null;
};

type NotificationRowBase = { seq: number; id: string; event_id: string; created_at: number; read_at: number | null };

/** A `notifications` row for a quota level event (`event_id` = `id`). */
export type QuotaLevelRow = NotificationRowBase & {
  kind: "quota_level";
  quota_type: QuotaType;
  level: QuotaNotification["level"];
  previous_level: QuotaLevel;
  threshold: number;
  remaining: number;
  total: number;
  reset_at: number | null;
  details: null;
};

/** A `notifications` row for an account notice: only `details` (JSON) beside the common columns. */
export type AccountNoticeRow = NotificationRowBase & { kind: NoticeEvent; details: string | null };

/** A `notifications` row. */
export type NotificationRow = QuotaLevelRow | AccountNoticeRow;

/** Epoch ms → ISO 8601. */
export const iso = (epochMs: number): string => new Date(epochMs).toISOString();
/** Nullable epoch ms → ISO 8601. */
export const isoOrNull = (epochMs: number | null): string | null => (epochMs === null ? null : iso(epochMs));

/** The quota's total (base plus this period's recharges), or null when unlimited. */
export function totalOf(row: QuotaRow): number | null {
  return row.base_total === null ? null : row.base_total + row.bonus + row.rolled;
}

/** Tokens still available (never negative), or null when unlimited. */
export function remainingOf(row: QuotaRow): number | null {
  const total = totalOf(row);
  return total === null ? null : Math.max(0, total - row.used - row.reserved);
}

/** Ledger balance: remaining, or -1 when unlimited (the Go service's convention). */
export function balanceOf(row: QuotaRow): number {
  return remainingOf(row) ?? -1;
}

/** `suspended` wins; `exhausted` when a limited quota has nothing left. */
export function statusOf(row: QuotaRow): QuotaStatus {
  if (row.suspended) return "suspended";
  return remainingOf(row) === 0 ? "exhausted" : "active";
}

/** Ledger row → view. */
export function ledgerView(row: LedgerRow, userId: string): LedgerEntry {
  return {
    id: row.id,
    userId,
    quotaType: row.quota_type,
    amount: row.amount,
    type: row.type,
    service: row.service,
    model: row.model,
    requestId: row.request_id,
    description: row.description,
    beforeBalance: row.before_balance,
    afterBalance: row.after_balance,
    timestamp: iso(row.timestamp),
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    priceVersion: row.price_version,
  };
}

/** Reservation row → view. */
export function reservationView(row: ReservationRow, userId: string): ReservationView {
  return {
    id: row.id,
    userId,
    quotaType: row.quota_type,
    amount: row.amount,
    service: row.service,
    model: row.model,
    requestId: row.request_id,
    status: row.status,
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at),
    settledAt: isoOrNull(row.settled_at),
    actual: row.actual,
    charged: row.charged,
    overage: row.overage,
    priceVersion: row.price_version,
  };
}

/** Quota row → view. Unlimited quotas report -1 for total and remaining. */
export function quotaView(row: QuotaRow, userId: string, forecastExhaustedAt: number | null): QuotaView {
  const total = totalOf(row);
  return {
    id: row.id,
    userId,
    quotaType: row.quota_type,
    totalQuota: total ?? -1,
    usedQuota: row.used,
    reservedQuota: row.reserved,
    remainingQuota: remainingOf(row) ?? -1,
    unlimited: total === null,
    status: statusOf(row),
    level: row.level,
    resetAt: isoOrNull(row.reset_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    forecastExhaustedAt: isoOrNull(forecastExhaustedAt),
    rolledQuota: row.rolled,
  };
}
