import { observeInto, type MetricsBuffer } from "./buffer";
import { compileFamily } from "../../contract/metrics/series-schema";
import type { CounterSample, GaugeDeltaSample, HistogramSample, Sample } from "../../contract/metrics/wire";

/** A series of the current batch: undefined until first resolved, null when the buffer dropped it. */
export type Handle<S> = S | null | undefined;

type Handles = {
  requests: Handle<CounterSample>;
  duration: Handle<HistogramSample>;
  requestSize: Handle<HistogramSample>;
  responseSize: Handle<HistogramSample>;
};

const DURATION = "qingyu_http_request_duration_seconds";
const REQUEST_SIZE = "qingyu_http_request_size_bytes";
const RESPONSE_SIZE = "qingyu_http_response_size_bytes";
const IN_FLIGHT = "qingyu_http_requests_in_flight";

function asKind<K extends Sample["kind"]>(sample: Sample | undefined, kind: K): Extract<Sample, { kind: K }> | undefined {
  return sample?.kind === kind ? (sample as Extract<Sample, { kind: K }>) : undefined;
}

/**
 * Records the HTTP families for the metrics middleware with one lookup per
 * request: the series of a (method, route, status) are resolved through the
 * buffer (labels validated, cardinality capped) once per batch, then written
 * directly. A series the buffer dropped is recorded through the ordinary API
 * every time, so each drop is still counted.
 */
export class HttpMetrics {
  readonly #buffer: MetricsBuffer;
  #handles = new Map<string, Handles>();
  #handlesGeneration = -1;
  #inFlight: GaugeDeltaSample | undefined;
  #inFlightGeneration = -1;
  readonly #durationBounds = compileFamily(DURATION)?.bounds ?? [];
  readonly #sizeBounds = compileFamily(REQUEST_SIZE)?.bounds ?? [];

  constructor(buffer: MetricsBuffer) {
    this.#buffer = buffer;
  }

  /** Adds `delta` to the in-flight gauge. */
  inFlight(delta: number): void {
    const generation = this.#buffer.generation;
    if (this.#inFlightGeneration === generation && this.#inFlight) {
      this.#inFlight.value += delta;
      return;
    }
    // Resolving records like `add` would; a gauge with no labels is never capped, so this runs once per batch.
    this.#inFlight = asKind(this.#buffer.series(IN_FLIGHT, {}, "gauge_add"), "gauge_add");
    this.#inFlightGeneration = generation;
    if (this.#inFlight) this.#inFlight.value += delta;
  }

  /**
   * Counts one answered request and observes its duration and sizes (a size is
   * undefined when unknown, e.g. a streamed body, and is then not observed).
   * Positional arguments, and label objects only on the slow paths: the hot path allocates nothing.
   */
  record(method: string, route: string, status: string, durationSeconds: number, requestBytes: number | undefined, responseBytes: number | undefined): void {
    const handles = this.#handlesFor(method, route, status);
    const buffer = this.#buffer;
    if (handles.requests) handles.requests.value += 1;
    else if (handles.requests === null) buffer.inc("qingyu_http_requests_total", { method, route, status });
    else {
      // The first resolution records like `inc` would, including counting a drop.
      handles.requests = asKind(buffer.series("qingyu_http_requests_total", { method, route, status }, "counter"), "counter") ?? null;
      if (handles.requests) handles.requests.value += 1;
    }
    handles.duration = this.#observe(handles.duration, this.#durationBounds, DURATION, method, route, status, durationSeconds);
    if (requestBytes !== undefined)
      handles.requestSize = this.#observe(handles.requestSize, this.#sizeBounds, REQUEST_SIZE, method, route, undefined, requestBytes);
    if (responseBytes !== undefined)
      handles.responseSize = this.#observe(handles.responseSize, this.#sizeBounds, RESPONSE_SIZE, method, route, status, responseBytes);
  }

  /** Observes like `MetricsBuffer.observe` (same validation and drop counts) and returns the handle to keep. `status` undefined: the family has no status label. */
  #observe(
    handle: Handle<HistogramSample>,
    bounds: readonly number[],
    name: string,
    method: string,
    route: string,
    status: string | undefined,
    value: number,
  ): Handle<HistogramSample> {
    if (handle && Number.isFinite(value)) {
      observeInto(handle, bounds, value);
      return handle;
    }
    const labels = status === undefined ? { method, route } : { method, route, status };
    // Invalid values and dropped series take the ordinary path, which counts the drop.
    if (!Number.isFinite(value) || handle === null) {
      this.#buffer.observe(name as typeof DURATION, labels as never, value);
      return handle;
    }
    const sample = asKind(this.#buffer.series(name, labels, "histogram"), "histogram") ?? null;
    if (sample) observeInto(sample, bounds, value);
    return sample;
  }

  #handlesFor(method: string, route: string, status: string): Handles {
    const generation = this.#buffer.generation;
    if (this.#handlesGeneration !== generation) {
      // A new batch: the old samples were drained and must not be written again.
      this.#handles = new Map();
      this.#handlesGeneration = generation;
    }
    const key = method + " " + status + " " + route;
    let handles = this.#handles.get(key);
    if (!handles) {
      handles = { requests: undefined, duration: undefined, requestSize: undefined, responseSize: undefined };
      this.#handles.set(key, handles);
    }
    return handles;
  }
}
