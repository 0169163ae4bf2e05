import { MetricsBuffer, observeInto } from "./buffer";
import type { Metrics } from "./api";
import type { Handle } from "./http";
import { compileFamily } from "../../contract/metrics/series-schema";
import type { CounterSample, HistogramSample } from "../../contract/metrics/wire";

const CALLS = "qingyu_dependency_calls_total";
const DURATION = "qingyu_dependency_call_duration_seconds";

/** The two series one successful dependency call writes. */
interface CallSeries {
  calls: Handle<CounterSample>;
  duration: Handle<HistogramSample>;
}

interface Cache {
  generation: number;
  /** dependency → operation → series; nested so that no key string is built per call. */
  series: Map<string, Map<string, CallSeries>>;
}

const caches = new WeakMap<MetricsBuffer, Cache>();
const durationBounds = compileFamily(DURATION)?.bounds ?? [];

function seriesOf(buffer: MetricsBuffer, dependency: string, operation: string): CallSeries {
  let cache = caches.get(buffer);
  if (!cache || cache.generation !== buffer.generation) {
    // A new batch: the old samples were drained and must not be written again.
    cache = { generation: buffer.generation, series: new Map() };
    caches.set(buffer, cache);
  }
  let operations = cache.series.get(dependency);
  if (!operations) {
    operations = new Map();
    cache.series.set(dependency, operations);
  }
  let series = operations.get(operation);
  if (!series) {
    series = { calls: undefined, duration: undefined };
    operations.set(operation, series);
  }
  return series;
}

/**
 * Records one successful dependency call (count and duration) straight into
 * the batch's samples, each series resolved once per batch as the HTTP
 * families are (see `HttpMetrics`): every Durable Object RPC, D1 and Redis call
 * records this pair, and label objects and series keys per call added up.
 * A series the buffer dropped goes through the ordinary API every time, so
 * each drop is still counted. Returns false, recording nothing, when `metrics`
 * is not a buffer or `seconds` is not a finite number.
 */
export function recordSuccessfulCall(metrics: Metrics, dependency: string, operation: string, seconds: number): boolean {
  if (!(metrics instanceof MetricsBuffer) || !Number.isFinite(seconds)) return false;
  const series = seriesOf(metrics, dependency, operation);
  if (series.calls) series.calls.value += 1;
  else if (series.calls === null) metrics.inc(CALLS, { dependency, operation } as never);
  else {
    // The first resolution records like `inc` would, including counting a drop.
    const sample = metrics.series(CALLS, { dependency, operation }, "counter");
    series.calls = sample?.kind === "counter" ? sample : null;
    if (series.calls) series.calls.value += 1;
  }
  if (series.duration) observeInto(series.duration, durationBounds, seconds);
  else if (series.duration === null) metrics.observe(DURATION, { dependency, operation } as never, seconds);
  else {
    const sample = metrics.series(DURATION, { dependency, operation }, "histogram");
    series.duration = sample?.kind === "histogram" ? sample : null;
    if (series.duration) observeInto(series.duration, durationBounds, seconds);
  }
  return true;
}
