import type { Metrics } from "./api";
import { compileFamily, labelValueAllowed, type CompiledFamily } from "../../contract/metrics/series-schema";
import type { HistogramSample, Sample } from "../../contract/metrics/wire";

type DropReason = "cardinality" | "invalid_label" | "invalid_value" | "unknown_metric";

/** Adds one observation to a histogram sample whose family has these bucket bounds (the value must be finite). */
export function observeInto(sample: HistogramSample, bounds: readonly number[], value: number): void {
  let index = 0;
  // Prometheus buckets are "less than or equal": the first bound ≥ value; past the last bound is +Inf.
  while (index < bounds.length && value > (bounds[index] as number)) index++;
  sample.buckets[index] = (sample.buckets[index] ?? 0) + 1;
  sample.sum += value;
  sample.count += 1;
}

/**
 * The isolate's pending samples since the last flush. Counters, deltas and
 * histograms aggregate in place, so memory grows with the number of distinct
 * series, never with traffic; each family is capped at `maxSeriesPerFamily`
 * series per batch, and what does not fit is counted as dropped, not recorded.
 */
export class MetricsBuffer implements Metrics {
  #series = new Map<string, Sample>();
  #perFamily = new Map<string, number>();
  readonly #maxSeriesPerFamily: number;
  /** Clock for `last` gauges; injectable so tests can order writes. */
  readonly #now: () => number;

  constructor(maxSeriesPerFamily: number, now: () => number = Date.now) {
    this.#maxSeriesPerFamily = maxSeriesPerFamily;
    this.#now = now;
  }

  /** Distinct series waiting to be flushed. */
  get size(): number {
    return this.#series.size;
  }

  inc(name: string, labels: object, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) return this.#drop("invalid_value");
    const sample = this.#series.get(this.#keyFor(name, labels, "counter")) ?? this.#create(name, labels, "counter");
    if (sample?.kind === "counter") sample.value += by;
  }

  add(name: string, labels: object, delta: number): void {
    if (!Number.isFinite(delta)) return this.#drop("invalid_value");
    const sample = this.#series.get(this.#keyFor(name, labels, "gauge_add")) ?? this.#create(name, labels, "gauge_add");
    if (sample?.kind === "gauge_add") sample.value += delta;
  }

  set(name: string, labels: object, value: number): void {
    if (!Number.isFinite(value)) return this.#drop("invalid_value");
    const sample = this.#series.get(this.#keyFor(name, labels, "gauge_set")) ?? this.#create(name, labels, "gauge_set");
    if (sample?.kind === "gauge_set") {
      sample.value = value;
      sample.at = this.#now();
    }
  }

  observe(name: string, labels: object, value: number): void {
    if (!Number.isFinite(value)) return this.#drop("invalid_value");
    const sample = this.#series.get(this.#keyFor(name, labels, "histogram")) ?? this.#create(name, labels, "histogram");
    if (sample?.kind !== "histogram") return;
    observeInto(sample, this.#family?.bounds ?? [], value);
  }

  /** Counts a batch: series handles from an earlier batch (see `series`) must not be written to. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * The sample of one series in the current batch, validated, capped and
   * created like any recording would; undefined when it is dropped (and the
   * drop counted). For hot paths that write the same series on every request:
   * resolve once per `generation`, then write to the sample directly
   * (`value +=`, `observeInto`), with no label object or key per request.
   */
  series(name: string, labels: object, kind: Sample["kind"]): Sample | undefined {
    return this.#series.get(this.#keyFor(name, labels, kind)) ?? this.#create(name, labels, kind);
  }

  /** Takes every pending sample and starts an empty batch. */
  drain(): Sample[] {
    const samples = [...this.#series.values()];
    this.#series = new Map();
    this.#perFamily = new Map();
    this.#generation++;
    return samples;
  }

  #generation = 0;

  // The family found by the last #keyFor, reused by #create and observe (saves a second lookup).
  #family: CompiledFamily | undefined;

  /** The series key for these labels, or "" when the name or a label value is not allowed. */
  #keyFor(name: string, labels: object, kind: Sample["kind"]): string {
    const family = compileFamily(name);
    this.#family = family;
    if (!family || family.kind !== kind) return "";
    const record = labels as Record<string, unknown>;
    let key = name;
    for (let index = 0; index < family.labelNames.length; index++) {
      const value = record[family.labelNames[index] as string];
      if (!labelValueAllowed(family, index, value)) return "";
      key += "\u0000" + value;
    }
    return key;
  }

  #create(name: string, labels: object, kind: Sample["kind"]): Sample | undefined {
    const family = this.#family;
    if (!family || family.name !== name || family.kind !== kind) return this.#drop("unknown_metric");
    const record = labels as Record<string, unknown>;
    const values: string[] = [];
    for (let index = 0; index < family.labelNames.length; index++) {
      const value = record[family.labelNames[index] as string];
      if (!labelValueAllowed(family, index, value)) return this.#drop("invalid_label");
      values.push(value);
    }
    const count = this.#perFamily.get(name) ?? 0;
    if (count >= this.#maxSeriesPerFamily) return this.#drop("cardinality");
    this.#perFamily.set(name, count + 1);
    const sample: Sample =
      kind === "histogram"
        ? { kind, name, labels: values, buckets: new Array<number>(family.bounds.length + 1).fill(0), sum: 0, count: 0 }
        : kind === "gauge_set"
          ? { kind, name, labels: values, value: 0, at: 0 }
          : { kind, name, labels: values, value: 0 };
    this.#series.set(name + (values.length ? "\u0000" + values.join("\u0000") : ""), sample);
    return sample;
  }

  #drop(reason: DropReason): undefined {
    // Bypasses validation and the cap: five fixed series, and dropping must always be visible.
    const key = `qingyu_metrics_dropped_samples_total\u0000${reason}`;
    const existing = this.#series.get(key);
    if (existing?.kind === "counter") existing.value += 1;
    else this.#series.set(key, { kind: "counter", name: "qingyu_metrics_dropped_samples_total", labels: [reason], value: 1 });
    return undefined;
  }
}
