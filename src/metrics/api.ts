import type { CounterName, HistogramName, LabelsOf, LastGaugeName, SumGaugeName } from "../../contract/metrics/definitions";

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

const paused = new WeakMap<Metrics, Metrics>();
const silent = new WeakSet<Metrics>([NO_METRICS]);

/**
 * `recorder` while the runtime config's `metrics.recording` is false: counters
 * and histograms are dropped, gauges still move. A `sum` gauge is a running
 * total of +1/−1 deltas (users by level, WebSocket clients, outbox pending), so
 * a delta dropped while paused would leave it wrong for good once recording
 * resumes; gauges change on state changes only, so keeping them costs nothing
 * on the hot path.
 */
export function pausedMetrics(recorder: Metrics): Metrics {
  let view = paused.get(recorder);
  if (!view) {
    view = {
      inc() {},
      observe() {},
      add: (name, labels, delta) => recorder.add(name, labels, delta),
      set: (name, labels, value) => recorder.set(name, labels, value),
    };
    paused.set(recorder, view);
    silent.add(view);
  }
  return view;
}

/** Whether a recorder keeps counters and histograms (false for NO_METRICS and paused views): callers skip timing work it would drop. */
export function recordsCounters(recorder: Metrics): boolean {
  return !silent.has(recorder);
}
