import { ApiError } from "../errors";
import { recordsCounters, type Metrics } from "../metrics/api";
import { recordSuccessfulCall } from "../metrics/dependency-series";
import { isolateMetrics } from "../metrics/isolate";

/** The dependencies whose calls are counted (the `dependency` label). */
export type Dependency = "redis" | "d1" | "durable_object";

/** How a failed call is counted: no answer in time, could not reach it, or it answered with an error. */
export type DependencyErrorKind = "timeout" | "unavailable" | "error";

const KINDS: readonly DependencyErrorKind[] = ["timeout", "unavailable", "error"];

/** Classifies a failure from its name, message and the flags Workers put on retryable errors. */
export function dependencyErrorKind(error: unknown): DependencyErrorKind {
  const name = error instanceof Error ? error.name : "";
  // Upstash appends the command to its messages; keys and arguments must not decide the kind.
  const message = (error instanceof Error ? error.message : String(error)).split(", command was:")[0] ?? "";
  if (name === "TimeoutError" || name === "AbortError" || /timed? ?out|no answer within/i.test(message)) return "timeout";
  const flags = (error ?? {}) as { retryable?: unknown; overloaded?: unknown };
  if (flags.retryable === true || flags.overloaded === true) return "unavailable";
  if (/fetch failed|network connection lost|econnrefused|econnreset|unavailable|failed to connect/i.test(message)) return "unavailable";
  return "error";
}

// (dependency → operations) whose error series this isolate has already created at 0.
const seen = new Map<string, Set<string>>();

/**
 * Counts one call in the `qingyu_dependency_call*` families. The first time an
 * isolate sees a (dependency, operation) pair it also creates that pair's
 * error series at 0, the usual Prometheus practice for known label sets, so
 * an error ratio reads 0 rather than "no data" until something fails.
 * `operation` must be a fixed name from code (a method or command name), never a key or id.
 */
export function recordDependencyCall(metrics: Metrics, dependency: Dependency, operation: string, seconds: number, failure: DependencyErrorKind | null): void {
  // The common case, a success of a pair already seen, writes its two series directly.
  if (failure === null && seen.get(dependency)?.has(operation) && recordSuccessfulCall(metrics, dependency, operation, seconds)) return;
  const labels = { dependency, operation };
  metrics.inc("qingyu_dependency_calls_total", labels);
  metrics.observe("qingyu_dependency_call_duration_seconds", labels, seconds);
  if (!seen.get(dependency)?.has(operation) && recordsCounters(metrics)) {
    seen.set(dependency, (seen.get(dependency) ?? new Set()).add(operation));
    for (const kind of KINDS) if (kind !== failure) metrics.inc("qingyu_dependency_call_errors_total", { ...labels, kind }, 0);
  }
  if (failure) metrics.inc("qingyu_dependency_call_errors_total", { ...labels, kind: failure });
}

/** Options of `measuredCall`. */
export interface MeasuredCallOptions {
  /** Errors that are an answer, not a failure of the dependency (a unique violation, a typed refusal). */
  isOutcome?: (error: unknown) => boolean;
  /** Where to record; the isolate's recorder by default. */
  metrics?: Metrics;
}

/**
 * Runs one call to a dependency and records it (count, duration, and the
 * error kind when it fails). Rethrows whatever the call threw; our own
 * `ApiError`s count as outcomes, not dependency errors.
 *
 * @example const row = await measuredCall("d1", "operation_log.record", () => statement.run());
 */
export async function measuredCall<T>(dependency: Dependency, operation: string, call: () => Promise<T>, options: MeasuredCallOptions = {}): Promise<T> {
  const metrics = options.metrics ?? isolateMetrics();
  // Recording off or paused: nothing to time (the same short cut as measured stubs and the Redis client's middleware).
  if (!recordsCounters(metrics)) return call();
  const startedAt = performance.now();
  try {
    const result = await call();
    recordDependencyCall(metrics, dependency, operation, (performance.now() - startedAt) / 1000, null);
    return result;
  } catch (error) {
    const outcome = error instanceof ApiError || options.isOutcome?.(error) === true;
    recordDependencyCall(metrics, dependency, operation, (performance.now() - startedAt) / 1000, outcome ? null : dependencyErrorKind(error));
    throw error;
  }
}

/**
 * Runs a call to an external dependency and turns its failure into a 503
 * (code 5003) that names the dependency, so an outage never reads as our own
 * 500. The original error stays as `cause` for the log. The calls themselves
 * are counted by the clients (the Redis client's middleware, `measuredCall`),
 * so this does not count them again.
 *
 * @example const sessions = await dependencyCall("redis", () => redis.zrange(key, 0, -1));
 */
export async function dependencyCall<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("DEPENDENCY_UNAVAILABLE", `${dependency} unavailable`, { cause: error, headers: { "Retry-After": "1" } });
  }
}
