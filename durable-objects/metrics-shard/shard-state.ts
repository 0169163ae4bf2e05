import { mergeSample, sampleProblem } from "../../contract/metrics/series-schema";
import { seriesKey, type Sample } from "../../contract/metrics/wire";

/** The result of folding a batch into a shard's state, before it is committed. */
export interface PendingChanges {
  /** New versions of every series the batch touched, keyed by series key. */
  changed: Map<string, Sample>;
  dropped: number;
}

/**
 * A MetricsShard's totals in memory: counters and histograms only grow, `sum`
 * gauges add deltas, `last` gauges keep the newest write. `prepare` computes
 * the new series without touching the state, so the shard can persist them in
 * one transaction and `commit` only after the write succeeded.
 */
export class ShardState {
  readonly #series = new Map<string, Sample>();
  readonly #perFamily = new Map<string, number>();
  readonly #maxSeriesPerFamily: number;

  constructor(maxSeriesPerFamily: number) {
    this.#maxSeriesPerFamily = maxSeriesPerFamily;
  }

  /** Loads a persisted series (at startup); ones that no longer fit the registry are skipped. */
  load(sample: Sample): boolean {
    if (sampleProblem(sample) !== null) return false;
    const key = seriesKey(sample.name, sample.labels);
    if (!this.#series.has(key)) this.#perFamily.set(sample.name, (this.#perFamily.get(sample.name) ?? 0) + 1);
    this.#series.set(key, sample);
    return true;
  }

  /** Adds counters at 0 where they do not exist yet (in memory; they are persisted once they change). */
  initialise(samples: readonly Sample[]): void {
    for (const sample of samples) {
      const key = seriesKey(sample.name, sample.labels);
      if (!this.#series.has(key) && sampleProblem(sample) === null) {
        this.#series.set(key, sample);
        this.#perFamily.set(sample.name, (this.#perFamily.get(sample.name) ?? 0) + 1);
      }
    }
  }

  /** Folds samples into new series versions; invalid samples and series over the cap are dropped and counted. */
  prepare(samples: readonly Sample[]): PendingChanges {
    const changed = new Map<string, Sample>();
    const newPerFamily = new Map<string, number>();
    const drops = new Map<string, number>();
    for (const sample of samples) {
      const problem = sampleProblem(sample);
      if (problem) {
        drops.set(problem, (drops.get(problem) ?? 0) + 1);
        continue;
      }
      const key = seriesKey(sample.name, sample.labels);
      const current = changed.get(key) ?? this.#series.get(key);
      if (!current) {
        const count = (this.#perFamily.get(sample.name) ?? 0) + (newPerFamily.get(sample.name) ?? 0);
        if (count >= this.#maxSeriesPerFamily) {
          drops.set("cardinality", (drops.get("cardinality") ?? 0) + 1);
          continue;
        }
        newPerFamily.set(sample.name, (newPerFamily.get(sample.name) ?? 0) + 1);
      }
      changed.set(key, mergeSample(current, sample));
    }
    let dropped = 0;
    for (const [reason, count] of drops) {
      dropped += count;
      this.#fold(changed, { kind: "counter", name: "qingyu_metrics_dropped_samples_total", labels: [reason], value: count });
    }
    return { changed, dropped };
  }

  /** Counts one batch result (applied / duplicate) into `changes`. */
  countBatch(changes: PendingChanges, result: "applied" | "duplicate"): void {
    this.#fold(changes.changed, { kind: "counter", name: "qingyu_metrics_shard_batches_total", labels: [result], value: 1 });
  }

  /** Makes prepared changes current (after they were persisted). */
  commit(changes: PendingChanges): void {
    for (const [key, sample] of changes.changed) {
      if (!this.#series.has(key)) this.#perFamily.set(sample.name, (this.#perFamily.get(sample.name) ?? 0) + 1);
      this.#series.set(key, sample);
    }
  }

  /** Every series, as totals. */
  samples(): Sample[] {
    return [...this.#series.values()];
  }

  #fold(changed: Map<string, Sample>, sample: Sample): void {
    const key = seriesKey(sample.name, sample.labels);
    changed.set(key, mergeSample(changed.get(key) ?? this.#series.get(key), sample));
  }
}
