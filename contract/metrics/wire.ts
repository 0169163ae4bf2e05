/**
 * What travels between isolates, MetricsShard objects and the exporter (over
 * Durable Object RPC, so plain structured-clonable data). Labels are values in
 * the order of the family's label names in definitions.ts.
 */

/** A counter: a delta in a batch, a running total in a snapshot. */
export interface CounterSample {
  kind: "counter";
  name: string;
  labels: string[];
  value: number;
}

/** A `sum` gauge: a delta in a batch, the summed value in a snapshot. */
export interface GaugeDeltaSample {
  kind: "gauge_add";
  name: string;
  labels: string[];
  value: number;
}

/** A `last` gauge: the value and when it was set (epoch ms), so the newest write wins across isolates and shards. */
export interface GaugeSetSample {
  kind: "gauge_set";
  name: string;
  labels: string[];
  value: number;
  at: number;
}

/** A histogram: per-bucket (not cumulative) counts, one per bucket bound plus the last for +Inf, with sum and count. */
export interface HistogramSample {
  kind: "histogram";
  name: string;
  labels: string[];
  buckets: number[];
  sum: number;
  count: number;
}

/** Any sample. */
export type Sample = CounterSample | GaugeDeltaSample | GaugeSetSample | HistogramSample;

/** One flush from one isolate. */
export interface MetricsBatch {
  /** Unique per batch (isolate id + sequence), so a retried batch is applied once. */
  id: string;
  /** How many shards the sender was configured with: lets the exporter notice shards it was not told about. */
  shards: number;
  samples: Sample[];
}

/** What `MetricsShard.ingest` answers. */
export interface IngestReply {
  applied: boolean;
  /** Samples the shard refused (unknown family, wrong type or labels, cardinality cap). */
  dropped: number;
}

/** What `MetricsShard.snapshot` answers: every series it holds, as totals. */
export interface ShardSnapshot {
  /** The largest shard count any sender reported. */
  shardsSeen: number;
  samples: Sample[];
}

/** The RPC surface of a MetricsShard, as the exporter and the flusher see it. */
export interface MetricsShardApi {
  ingest(batch: MetricsBatch): Promise<IngestReply>;
  snapshot(): Promise<ShardSnapshot>;
}

/** The object name of shard `index` (0-based). */
export function shardName(index: number): string {
  return `shard-${index}`;
}

/** Joins label values into a map key; the separator cannot occur in accepted values. */
export function seriesKey(name: string, labels: readonly string[]): string {
  return labels.length === 0 ? name : `${name}\u0000${labels.join("\u0000")}`;
}
