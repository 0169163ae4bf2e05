/**
 * Automatic top-up, the recording side: the user's setting, and the intent a
 * downward crossing of the `total` quota's threshold records in the same
 * transaction as the debit that crossed it (`UnitOfWork.save` calls
 * `recordTopupIntent`, only when a level event fired on `total`, so the hot
 * path pays nothing). Sending the intent to the wallet is topup-delivery.ts.
 */
import type { AutoTopupResult, AutoTopupThreshold, AutoTopupView, SetAutoTopupInputSchema, SetAutoTopupResult, TopupIntentView } from "../../contract/quota/auto-topup";
import { periodStart } from "../../contract/quota/calendar";
import type { AlertLevel } from "../../contract/quota/inputs";
import type { QuotaPolicy } from "../../contract/quota/policy";
import type { z } from "@hono/zod-openapi";
import { iso, isoOrNull } from "./rows";

/** The `auto_topup` row (at most one). */
export type AutoTopupRow = {
  enabled: number;
  package_id: string;
  tokens: number;
  price_fen: number;
  threshold: AutoTopupThreshold;
  max_per_day: number;
  updated_at: number;
};

/** A `topup_intents` row. */
export type TopupIntentRow = {
  seq: number;
  id: string;
  status: TopupIntentView["status"];
  package_id: string;
  tokens: number;
  price_fen: number;
  threshold: AutoTopupThreshold;
  day_start: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  purchase_id: string | null;
  failure: string | null;
  created_at: number;
  settled_at: number | null;
};

/** What recording needs from the unit of work. */
export type TopupSink = { sql: SqlStorage; policy: QuotaPolicy; now: number; due(at: number): void; readonly topupResults: AutoTopupResult[] };

/** How many intents shown by the view. */
const RECENT_INTENTS = 5;

/** Intents that count against `maxPerDay`: waiting to be bought, or bought. Failed and cancelled ones bought nothing. */
function topupsOn(sql: SqlStorage, dayStart: number): number {
  return sql
    .exec<{ n: number }>("SELECT count(*) AS n FROM topup_intents WHERE day_start = ? AND status IN ('pending', 'purchased')", dayStart)
    .one().n;
}

/**
 * Called with the levels a save of the `total` quota just fired (once per level per period, so a storm of
 * debits fires each at most once). Records one intent when the user's threshold is among them and today's
 * cap is not used up, and asks for the alarm now; a crossing past the cap is counted as `capped`.
 */
export function recordTopupIntent(sink: TopupSink, reached: readonly AlertLevel[]): void {
  const setting = sink.sql.exec<AutoTopupRow>("SELECT * FROM auto_topup WHERE enabled = 1").toArray()[0];
  if (!setting || !reached.includes(setting.threshold)) return;
  const dayStart = periodStart("daily", sink.now, sink.policy.timeZone);
  if (topupsOn(sink.sql, dayStart) >= setting.max_per_day) {
    sink.topupResults.push("capped");
    return;
  }
  sink.sql.exec(
    `INSERT INTO topup_intents (id, status, package_id, tokens, price_fen, threshold, day_start, next_attempt_at, created_at)
     VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
    crypto.randomUUID(),
    setting.package_id,
    setting.tokens,
    setting.price_fen,
    setting.threshold,
    dayStart,
    sink.now,
    sink.now,
  );
  sink.due(sink.now);
}

function intentView(row: TopupIntentRow): TopupIntentView {
  return {
    id: row.id,
    status: row.status,
    packageId: row.package_id,
    tokens: row.tokens,
    priceFen: row.price_fen,
    threshold: row.threshold,
    attempts: row.attempts,
    purchaseId: row.purchase_id,
    failure: row.failure,
    createdAt: iso(row.created_at),
    settledAt: isoOrNull(row.settled_at),
  };
}

/** The setting as clients see it, with today's count (local day in the quota time zone) and the latest intents. */
export function autoTopupView(sink: Pick<TopupSink, "sql" | "policy" | "now">): AutoTopupView {
  const setting = sink.sql.exec<AutoTopupRow>("SELECT * FROM auto_topup").toArray()[0];
  const recent = sink.sql.exec<TopupIntentRow>("SELECT * FROM topup_intents ORDER BY seq DESC LIMIT ?", RECENT_INTENTS).toArray();
  return {
    enabled: setting?.enabled === 1,
    package: setting?.package_id ?? null,
    packageTokens: setting?.tokens ?? null,
    packagePriceFen: setting?.price_fen ?? null,
    threshold: setting?.threshold ?? null,
    maxPerDay: setting?.max_per_day ?? null,
    topupsToday: topupsOn(sink.sql, periodStart("daily", sink.now, sink.policy.timeZone)),
    updatedAt: setting ? iso(setting.updated_at) : null,
    recent: recent.map(intentView),
  };
}

/**
 * Saves the setting. Turning it off keeps the package and cap for next time and cancels every intent not yet
 * sent (`attempts = 0`: the alarm counts a send durably before it leaves, so such an intent cannot have reached
 * the wallet). One already sent is left to finish: the wallet may have paid, and only its answer settles it.
 */
export function setAutoTopup(sink: TopupSink, args: z.output<typeof SetAutoTopupInputSchema>): SetAutoTopupResult {
  let cancelled = 0;
  if (args.enabled) {
    sink.sql.exec(
      `INSERT OR REPLACE INTO auto_topup (id, enabled, package_id, tokens, price_fen, threshold, max_per_day, updated_at)
       VALUES (1, 1, ?, ?, ?, ?, ?, ?)`,
      args.package.id,
      args.package.tokens,
      args.package.priceFen,
      args.threshold,
      args.maxPerDay,
      sink.now,
    );
  } else {
    sink.sql.exec("UPDATE auto_topup SET enabled = 0, updated_at = ?", sink.now);
    sink.sql.exec("UPDATE topup_intents SET status = 'cancelled', settled_at = ? WHERE status = 'pending' AND attempts = 0", sink.now);
    cancelled = sink.sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
    for (let index = 0; index < cancelled; index++) sink.topupResults.push("cancelled");
  }
  return { ...autoTopupView(sink), cancelled };
}

/** When the earliest owed send is due, or null. */
export function nextTopupAt(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>("SELECT min(next_attempt_at) AS at FROM topup_intents WHERE status = 'pending'").one().at;
}
