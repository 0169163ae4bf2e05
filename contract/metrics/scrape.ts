import { compileFamily } from "./series-schema";
import { mergeShards, type FamilyToRender, type ShardRead } from "./merge";
import type { Sample, ShardSnapshot } from "./wire";

/** What the exporter needs to read the shards. */
export interface ScrapeOptions {
  /** Shards the exporter is configured with (METRICS_SHARDS). */
  shards: number;
  /** Per-shard deadline: a slower shard is reported as failed, the scrape goes on. */
  timeoutMs: number;
  lastGaugeTtlMs: number;
  version: string;
  /** Reads shard `index`'s snapshot. */
  read(index: number): Promise<ShardSnapshot>;
  /** Told about each shard that failed (for a log line). */
  onShardError?(index: number, reason: "timeout" | "error", error?: unknown): void;
}

/** Never read more shards than this, whatever a sender claims. */
const MAX_SHARDS = 64;

type Outcome = { ok: true; snapshot: ShardSnapshot; seconds: number } | { ok: false; reason: "timeout" | "error"; seconds: number };

async function readShard(options: ScrapeOptions, index: number): Promise<Outcome> {
  const startedAt = performance.now();
  const seconds = () => (performance.now() - startedAt) / 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), options.timeoutMs);
  });
  try {
    const result = await Promise.race([options.read(index), timeout]);
    if (result === "timeout") {
      options.onShardError?.(index, "timeout");
      return { ok: false, reason: "timeout", seconds: options.timeoutMs / 1000 };
    }
    return { ok: true, snapshot: result, seconds: seconds() };
  } catch (error) {
    options.onShardError?.(index, "error", error);
    return { ok: false, reason: "error", seconds: seconds() };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function scrapeGauge(name: string, labelValues: string[], value: number): Sample {
  return { kind: "gauge_set", name, labels: labelValues, value, at: 0 };
}

function ownFamily(name: string, samples: Sample[]): FamilyToRender[] {
  const family = compileFamily(name);
  return family && samples.length > 0 ? [{ name, definition: family.definition, labelNames: family.labelNames, samples }] : [];
}

/**
 * Reads every shard in parallel, each with its own deadline, merges what
 * answered and appends the exporter's own gauges (shard up, read durations,
 * failures, series, scrape duration). A shard that fails or times out never
 * fails the scrape. If a shard reports that senders use more shards than
 * configured here, those shards are read too, so a config mismatch loses nothing.
 */
export async function scrapeShards(options: ScrapeOptions): Promise<FamilyToRender[]> {
  const startedAt = performance.now();
  const configured = Math.min(Math.max(options.shards, 1), MAX_SHARDS);
  const outcomes = await Promise.all(Array.from({ length: configured }, (_, index) => readShard(options, index)));
  const seen = Math.min(MAX_SHARDS, Math.max(0, ...outcomes.map((outcome) => (outcome.ok ? outcome.snapshot.shardsSeen : 0))));
  if (seen > configured) {
    outcomes.push(...(await Promise.all(Array.from({ length: seen - configured }, (_, offset) => readShard(options, configured + offset)))));
  }

  const reads: ShardRead[] = [];
  outcomes.forEach((outcome, shard) => {
    if (outcome.ok) reads.push({ shard, snapshot: outcome.snapshot });
  });
  const families = mergeShards(reads, { now: Date.now(), lastGaugeTtlMs: options.lastGaugeTtlMs });
  const series = families.reduce((total, family) => total + family.samples.length, 0);
  const failures = { timeout: 0, error: 0 };
  for (const outcome of outcomes) if (!outcome.ok) failures[outcome.reason] += 1;

  return [
    ...families,
    ...ownFamily("qingyu_exporter_shard_up", outcomes.map((outcome, shard) => scrapeGauge("qingyu_exporter_shard_up", [String(shard)], outcome.ok ? 1 : 0))),
    ...ownFamily("qingyu_exporter_shard_read_duration_seconds", outcomes.map((outcome, shard) => scrapeGauge("qingyu_exporter_shard_read_duration_seconds", [String(shard)], outcome.seconds))),
    ...ownFamily("qingyu_exporter_shard_failures", [scrapeGauge("qingyu_exporter_shard_failures", ["timeout"], failures.timeout), scrapeGauge("qingyu_exporter_shard_failures", ["error"], failures.error)]),
    ...ownFamily("qingyu_exporter_series", [scrapeGauge("qingyu_exporter_series", [], series)]),
    ...ownFamily("qingyu_exporter_build_info", [scrapeGauge("qingyu_exporter_build_info", [options.version || "unknown"], 1)]),
    // Measured last, so it covers the whole fan-out and merge.
    ...ownFamily("qingyu_exporter_scrape_duration_seconds", [scrapeGauge("qingyu_exporter_scrape_duration_seconds", [], (performance.now() - startedAt) / 1000)]),
  ];
}
