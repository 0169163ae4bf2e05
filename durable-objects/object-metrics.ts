import { loadConfig } from "../src/config";
import { cachedRuntimeConfig, getRuntimeConfig } from "../src/runtime-config/cache";
import { NO_METRICS, type Metrics } from "../src/metrics/api";
import { loadMetricsConfig } from "../src/metrics/config";
import { activeRecorder, configureIsolateMetrics } from "../src/metrics/isolate";
import type { FlushContext, MetricsPipeline } from "../src/metrics/pipeline";
import { metricsShard } from "./metrics-shard/client";

/**
 * Metrics for a Durable Object (QuotaCounter, Wallet). Durable Objects run in
 * the same Worker script as the API, so they record into the same isolate
 * buffer (`configureIsolateMetrics`: whichever of a request or an object comes
 * first in an isolate creates the pipeline, the other shares it) and flush it
 * with the same policy: `afterWork()` after each RPC, alarm or socket event
 * sends a batch in the object's `waitUntil` only when `METRICS_FLUSH_MAX_SERIES`
 * series are pending or the last flush is `METRICS_FLUSH_INTERVAL_MS` old, and
 * otherwise makes sure one delayed flush is pending. So an object never makes
 * a MetricsShard call per operation, and what a dying object can lose is
 * bounded exactly as for a Worker isolate.
 *
 * @example
 * this.metrics = new DurableObjectMetrics(ctx, env);
 * this.metrics.recorder.add("qingyu_quota_websocket_clients", {}, 1);
 * this.metrics.afterWork();
 */
export class DurableObjectMetrics {
  readonly #pipeline: MetricsPipeline | null;
  readonly #context: FlushContext;
  readonly #refreshSwitch: () => void;

  constructor(ctx: Pick<DurableObjectState, "waitUntil">, env: Env, pipeline?: MetricsPipeline | null) {
    this.#pipeline = pipeline !== undefined ? pipeline : isolatePipeline(env);
    this.#context = {
      waitUntil: (promise) => ctx.waitUntil(promise),
      shard: (index) => metricsShard(env, index),
    };
    this.#refreshSwitch = switchRefresher(ctx, env);
  }

  /**
   * Where to record: the isolate buffer; its paused view while the runtime
   * config's `metrics.recording` is false; a no-op when METRICS_ENABLED is false.
   */
  get recorder(): Metrics {
    if (!this.#pipeline) return NO_METRICS;
    this.#refreshSwitch();
    return activeRecorder(this.#pipeline.buffer);
  }

  /** Flushes if due, else makes sure a delayed flush is pending; never waits and never throws. */
  afterWork(): void {
    this.#pipeline?.afterWork(this.#context);
  }
}

function isolatePipeline(env: Env): MetricsPipeline | null {
  try {
    return configureIsolateMetrics(loadMetricsConfig(env), { version: env.APP_VERSION, environment: env.ENVIRONMENT });
  } catch (error) {
    // A bad METRICS_* value already fails every API request with a 500 naming it; an object must not stop working over it.
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: "metrics disabled in this Durable Object: invalid metrics config",
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    return null;
  }
}

/**
 * Keeps the isolate's copy of the runtime config (the recording switch) fresh
 * from inside an object: a stale copy is refetched in the background, never
 * awaited by the operation that records, so a switch flip reaches objects
 * within the same bound as Workers (CONFIG_CACHE_TTL_MS plus one round trip).
 */
function switchRefresher(ctx: Pick<DurableObjectState, "waitUntil">, env: Env): () => void {
  let ttlMs: number;
  try {
    ttlMs = loadConfig(env as unknown as Record<string, unknown>).CONFIG_CACHE_TTL_MS;
  } catch {
    return () => {}; // A bad config already fails API requests with a 500 naming it; the isolate's last copy decides here.
  }
  let refreshing = false;
  return () => {
    if (refreshing || cachedRuntimeConfig(env.CONFIG_STORE, ttlMs)) return;
    refreshing = true;
    ctx.waitUntil(getRuntimeConfig(env.CONFIG_STORE, ttlMs).finally(() => (refreshing = false)));
  };
}
