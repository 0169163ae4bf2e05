import { DurableObject } from "cloudflare:workers";
import { loadMetricsConfig } from "../../src/metrics/config";
import { METRICS } from "../../contract/metrics/definitions";
import { ShardState, type PendingChanges } from "./shard-state";
import { TotalsRing, type TotalsWindow } from "../../contract/metrics/totals-ring";
import type { IngestReply, MetricsBatch, MetricsShardApi, Sample, ShardSnapshot } from "../../contract/metrics/wire";
import { storagePing, type PingReply } from "../ping";

/** How long applied batch ids are remembered: far longer than any retry (a flush times out in seconds). */
const BATCH_ID_RETENTION_MS = 10 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;

/**
 * The pipeline's own counters start at 0 in every shard, so "nothing dropped"
 * is a 0 that alerts and panels can read, not an absent series.
 */
const PIPELINE_COUNTERS_AT_ZERO: Sample[] = [
  ...METRICS.qingyu_metrics_dropped_samples_total.labels.reason.map((reason): Sample => ({ kind: "counter", name: "qingyu_metrics_dropped_samples_total", labels: [reason], value: 0 })),
  ...METRICS.qingyu_metrics_shard_batches_total.labels.result.map((result): Sample => ({ kind: "counter", name: "qingyu_metrics_shard_batches_total", labels: [result], value: 0 })),
];

/**
 * One shard of the metrics store. Isolates flush batches here (`ingest`), the
 * exporter Worker reads every shard (`snapshot`) and merges them. Totals live
 * in SQLite as well as in memory, so counters stay monotonic across restarts
 * and evictions; a batch is applied in one transaction together with its id,
 * so a retried batch is never counted twice.
 */
export class MetricsShard extends DurableObject<Env> implements MetricsShardApi {
  readonly #state: ShardState;
  /** Copies of the HTTP totals over the last minutes, for the request-rate view (src/metrics/totals-ring.ts). */
  readonly #recent = new TotalsRing();
  #shardsSeen = 0;
  #lastPruneAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#state = new ShardState(loadMetricsConfig(env).maxSeriesPerFamily);
    void ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      sql.exec("CREATE TABLE IF NOT EXISTS metric_series (series_key TEXT PRIMARY KEY, sample TEXT NOT NULL) WITHOUT ROWID");
      sql.exec("CREATE TABLE IF NOT EXISTS applied_batches (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
      sql.exec("CREATE INDEX IF NOT EXISTS applied_batches_by_time ON applied_batches (applied_at)");
      sql.exec("CREATE TABLE IF NOT EXISTS shard_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      for (const row of sql.exec<{ sample: string }>("SELECT sample FROM metric_series")) {
        this.#state.load(JSON.parse(row.sample) as Sample);
      }
      this.#state.initialise(PIPELINE_COUNTERS_AT_ZERO.map((sample) => ({ ...sample, labels: [...sample.labels] })));
      const seen = sql.exec<{ value: string }>("SELECT value FROM shard_meta WHERE key = 'shards_seen'").toArray()[0];
      this.#shardsSeen = seen ? Number(seen.value) : 0;
      this.#recent.record(Date.now(), () => this.#state.samples());
    });
  }

  /** Health probe: proves the object runs and its SQLite storage answers. */
  async ping(): Promise<PingReply> {
    return storagePing(this.ctx.storage.sql);
  }

  /** Applies one isolate's batch exactly once (by batch id). */
  async ingest(batch: MetricsBatch): Promise<IngestReply> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    const duplicate = sql.exec("SELECT 1 FROM applied_batches WHERE id = ?", batch.id).toArray().length > 0;
    const changes: PendingChanges = duplicate ? { changed: new Map(), dropped: 0 } : this.#state.prepare(batch.samples);
    this.#state.countBatch(changes, duplicate ? "duplicate" : "applied");
    const shardsSeen = Math.max(this.#shardsSeen, Number.isInteger(batch.shards) && batch.shards > 0 && batch.shards <= 1024 ? batch.shards : 0);
    this.ctx.storage.transactionSync(() => {
      for (const [key, sample] of changes.changed) {
        sql.exec("INSERT INTO metric_series (series_key, sample) VALUES (?, ?) ON CONFLICT (series_key) DO UPDATE SET sample = excluded.sample", key, JSON.stringify(sample));
      }
      if (!duplicate) sql.exec("INSERT INTO applied_batches (id, applied_at) VALUES (?, ?)", batch.id, now);
      if (shardsSeen !== this.#shardsSeen) {
        sql.exec("INSERT INTO shard_meta (key, value) VALUES ('shards_seen', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(shardsSeen));
      }
      if (now - this.#lastPruneAt >= PRUNE_EVERY_MS) sql.exec("DELETE FROM applied_batches WHERE applied_at < ?", now - BATCH_ID_RETENTION_MS);
    });
    // Only after the transaction committed does memory change, so memory never runs ahead of storage.
    this.#state.commit(changes);
    this.#recent.record(now, () => this.#state.samples());
    this.#shardsSeen = shardsSeen;
    if (now - this.#lastPruneAt >= PRUNE_EVERY_MS) this.#lastPruneAt = now;
    return { applied: !duplicate, dropped: changes.dropped };
  }

  /** The HTTP totals now and as of `sinceMs` ago (or as far back as this shard remembers). */
  async recentTotals(sinceMs: number): Promise<TotalsWindow> {
    const now = Date.now();
    return this.#recent.window(now - Math.max(0, Number(sinceMs) || 0), now, this.#state.samples());
  }

  /** Every series this shard holds, as totals. */
  async snapshot(): Promise<ShardSnapshot> {
    return { shardsSeen: this.#shardsSeen, samples: this.#state.samples() };
  }
}
