import { latestRuntimeConfig } from "../runtime-config/latest";
import { NO_METRICS, pausedMetrics, type Metrics } from "./api";
import type { MetricsConfig } from "./config";
import { MetricsPipeline } from "./pipeline";

// Metrics are per isolate by nature (that is what a flush merges), so the pipeline is module state.
let pipeline: MetricsPipeline | null = null;
let configured = false;

/**
 * Creates this isolate's pipeline on the first call (null when metrics are
 * disabled) and returns the same one afterwards. Called by the metrics middleware.
 */
export function configureIsolateMetrics(config: MetricsConfig, build: { version: string; environment: string }): MetricsPipeline | null {
  if (!configured) {
    configured = true;
    pipeline = config.enabled ? new MetricsPipeline(config, build) : null;
  }
  return pipeline;
}

/**
 * Whether this isolate records now: the runtime config's `metrics.recording`
 * in the isolate's copy (true before the first read). The metrics middleware
 * and `DurableObjectMetrics` keep that copy fresh.
 */
export function recordingOn(): boolean {
  return latestRuntimeConfig()?.metrics.recording ?? true;
}

/** What to record into: the buffer, or its paused view while `metrics.recording` is false. */
export function activeRecorder(buffer: Metrics): Metrics {
  return recordingOn() ? buffer : pausedMetrics(buffer);
}

/**
 * This isolate's recorder, for code without a Hono context (services, health
 * checks). A no-op until the first request has configured the isolate, and when
 * METRICS_ENABLED is false; paused while `metrics.recording` is false. Samples
 * recorded here go out with the next flush.
 */
export function isolateMetrics(): Metrics {
  return pipeline ? activeRecorder(pipeline.buffer) : NO_METRICS;
}
