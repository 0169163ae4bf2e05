import type { CounterName, HistogramName, LabelsOf, LastGaugeName, SumGaugeName } from "./definitions";

/**
 * How routes, services and Durable Objects record metrics. Names and labels
 * are typed from the registry in definitions.ts, so a misspelt family or a label
 * value outside an enumeration does not compile. Recording never throws and
 * never waits: values accumulate in the isolate and are flushed in batches.
 *
 * @example
 * c.var.metrics.inc("qingyu_auth_logins_total", { result: "success" });
 * c.var.metrics.observe("qingyu_dependency_call_duration_seconds", { dependency: "redis", operation: "get" }, 0.004);
 */
export interface Metrics {
  /** Adds `by` (default 1, never negative) to a counter. */
  inc<N extends CounterName>(name: N, labels: LabelsOf<N>, by?: number): void;
  /** Adds a delta (+1 / −1) to a `sum` gauge. */
  add<N extends SumGaugeName>(name: N, labels: LabelsOf<N>, delta: number): void;
  /** Sets a `last` gauge; the newest value across all isolates wins. */
  set<N extends LastGaugeName>(name: N, labels: LabelsOf<N>, value: number): void;
  /** Records one observation in a histogram (seconds, bytes: base units). */
  observe<N extends HistogramName>(name: N, labels: LabelsOf<N>, value: number): void;
}

/** The recorder used when METRICS_ENABLED is false or before an isolate is configured: does nothing. */
export const NO_METRICS: Metrics = {
  inc() {},
  add() {},
  set() {},
  observe() {},
};
