/**
 * What a QuotaCounter records itself (the route records tokens, decisions and
 * reservations from its answers): users by level, WebSocket stream clients and
 * webhook delivery outcomes. Recording is a buffer update; the batch goes to
 * the MetricsShards with the isolate's flush policy (src/metrics/durable-object.ts).
 */
import { recordsCounters, type Metrics } from "../../src/metrics/api";
import { DurableObjectMetrics } from "../object-metrics";
import type { AutoTopupResult } from "../../contract/quota/auto-topup";
import type { QuotaLevel } from "../../contract/quota/inputs";
import type { UnitOfWork } from "./unit-of-work";

const RANK: Record<QuotaLevel, number> = { ok: 0, warning: 1, critical: 2, exhausted: 3 };

/** A change of the level this user is counted under, to record once its transaction committed. */
export type LevelTransition = { from: QuotaLevel | null; to: QuotaLevel };

// Webhook results are created at 0 once per isolate (the usual Prometheus practice for a known label set), so a
// "gave up" alert and the deliveries panel read 0 rather than "no data" before the first delivery.
let webhookSeriesReady = false;

/** One QuotaCounter's metrics. */
export class QuotaMetrics {
  readonly #object: DurableObjectMetrics;
  /** The level this user is counted under in `qingyu_quota_users` (null: not counted yet), mirrored in `meta`. */
  #counted: QuotaLevel | null = null;

  constructor(object: DurableObjectMetrics) {
    this.#object = object;
    if (!webhookSeriesReady && recordsCounters(object.recorder)) {
      webhookSeriesReady = true;
      for (const result of ["delivered", "failed", "gave_up"] as const) this.recorder.inc("qingyu_quota_webhook_deliveries_total", { result }, 0);
    }
  }

  /** The isolate's recorder (a no-op when metrics are disabled). */
  get recorder(): Metrics {
    return this.#object.recorder;
  }

  /** Reads the counted level after a wake (call under `blockConcurrencyWhile`). */
  load(sql: SqlStorage): void {
    const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'metrics_level'").toArray()[0];
    this.#counted = row && row.value in RANK ? (row.value as QuotaLevel) : null;
  }

  /**
   * Inside the operation's transaction: a user is counted once, at the most
   * severe level of their quotas. When that changes (or the user was never
   * counted), the new level is stored with the change itself, so a rolled-back
   * operation changes nothing and a committed one is counted exactly once.
   * Costs nothing unless a level changed.
   */
  trackLevel(uow: UnitOfWork): LevelTransition | null {
    if (uow.levelChanges.length === 0 && this.#counted !== null) return null;
    let level: QuotaLevel = "ok";
    for (const row of uow.sql.exec<{ level: QuotaLevel }>("SELECT level FROM quotas")) if (RANK[row.level] > RANK[level]) level = row.level;
    if (level === this.#counted) return null;
    uow.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('metrics_level', ?)", level);
    return { from: this.#counted, to: level };
  }

  /**
   * After commit: moves the user between levels in the `sum` gauge, counts
   * reservations the unit expired (the route sees created, committed and
   * released; expiry happens here) and its top-up results (capped, cancelled;
   * the alarm counts the wallet's answers), then flushes if due.
   */
  afterWork(transition: LevelTransition | null = null, expiredReservations = 0, topupResults: readonly AutoTopupResult[] = []): void {
    if (expiredReservations > 0) this.recorder.inc("qingyu_quota_reservations_total", { event: "expired" }, expiredReservations);
    for (const result of topupResults) this.recorder.inc("qingyu_quota_auto_topups_total", { result });
    if (transition) {
      if (transition.from !== null) this.recorder.add("qingyu_quota_users", { level: transition.from }, -1);
      this.recorder.add("qingyu_quota_users", { level: transition.to }, 1);
      this.#counted = transition.to;
    }
    this.#object.afterWork();
  }

  /** A stream client connected: counted once, marked on the socket itself (survives hibernation). */
  socketOpened(ws: WebSocket): void {
    ws.serializeAttachment({ counted: true });
    this.recorder.add("qingyu_quota_websocket_clients", {}, 1);
    this.#object.afterWork();
  }

  /** A stream client closed or failed: uncounted once, whichever event comes (close and error may both). */
  socketClosed(ws: WebSocket): void {
    const attachment = ws.deserializeAttachment() as { counted?: boolean } | null;
    if (attachment?.counted !== true) return;
    try {
      ws.serializeAttachment({ counted: false });
    } catch {
      // Already gone: this object will not see the socket again either.
    }
    this.recorder.add("qingyu_quota_websocket_clients", {}, -1);
    this.#object.afterWork();
  }
}
