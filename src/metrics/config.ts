import { z } from "zod";
import { ApiError } from "../errors";

const intFromString = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** The metrics pipeline's deploy-time settings (wrangler.toml vars), validated once per isolate. */
export const MetricsConfigSchema = z.object({
  /** "false" turns recording off entirely (the benchmark compares on and off). */
  METRICS_ENABLED: z.enum(["true", "false"], { error: "METRICS_ENABLED must be true or false" }).default("true"),
  /** MetricsShard objects isolates spread over; the exporter's METRICS_SHARDS must be the same (it also reads any shard a sender reports). */
  METRICS_SHARDS: intFromString("METRICS_SHARDS", 1, 64).default(4),
  /** Longest an isolate holds samples before flushing: the most a dying isolate can lose. Under waitUntil's 30 s. */
  METRICS_FLUSH_INTERVAL_MS: intFromString("METRICS_FLUSH_INTERVAL_MS", 50, 25_000).default(5000),
  /** Flush at once when this many distinct series are pending (keeps batches small). */
  METRICS_FLUSH_MAX_SERIES: intFromString("METRICS_FLUSH_MAX_SERIES", 1, 20_000).default(500),
  /** A flush RPC slower than this counts as failed and is retried with the same batch id. */
  METRICS_FLUSH_TIMEOUT_MS: intFromString("METRICS_FLUSH_TIMEOUT_MS", 100, 25_000).default(5000),
  /** Series per family per batch and per shard; more are dropped and counted, so a label bug cannot explode storage. */
  METRICS_MAX_SERIES_PER_FAMILY: intFromString("METRICS_MAX_SERIES_PER_FAMILY", 10, 100_000).default(2000),
});

/** Parsed metrics settings. */
export interface MetricsConfig {
  enabled: boolean;
  shards: number;
  flushIntervalMs: number;
  flushMaxSeries: number;
  flushTimeoutMs: number;
  maxSeriesPerFamily: number;
}

const cache = new WeakMap<object, MetricsConfig>();

/**
 * Reads the METRICS_* vars (cached per env object). A bad value throws the same
 * 500 envelope error as the main config: it names the variable, never the value.
 */
export function loadMetricsConfig(env: object): MetricsConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const source = env as Record<string, unknown>;
  const input = Object.fromEntries(Object.keys(MetricsConfigSchema.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]));
  const parsed = MetricsConfigSchema.safeParse(input);
  if (!parsed.success) {
    const details: Record<string, string> = {};
    for (const issue of parsed.error.issues) details[String(issue.path[0] ?? "env")] = issue.message;
    throw new ApiError("INTERNAL", `invalid server configuration: ${Object.keys(details).join(", ")}`, { details: { config: details } });
  }
  const data = parsed.data;
  const config: MetricsConfig = {
    enabled: data.METRICS_ENABLED === "true",
    shards: data.METRICS_SHARDS,
    flushIntervalMs: data.METRICS_FLUSH_INTERVAL_MS,
    flushMaxSeries: data.METRICS_FLUSH_MAX_SERIES,
    flushTimeoutMs: data.METRICS_FLUSH_TIMEOUT_MS,
    maxSeriesPerFamily: data.METRICS_MAX_SERIES_PER_FAMILY,
  };
  cache.set(env, config);
  return config;
}
