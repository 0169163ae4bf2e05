import { METRICS, type MetricDefinition, type MetricName } from "./definitions";
import { compileFamily, mergeSample, sampleProblem } from "./series-schema";
import { seriesKey, type Sample, type ShardSnapshot } from "./wire";

/** One family ready to render: its definition, label names, and series whose label values follow those names. */
export interface FamilyToRender {
  name: string;
  definition: MetricDefinition;
  labelNames: readonly string[];
  samples: Sample[];
}

/** Merge settings. */
export interface MergeOptions {
  /** Now, epoch ms. */
  now: number;
  /** `last` gauges not written for longer than this are left out (a removed dependency, an old version's build info). */
  lastGaugeTtlMs: number;
}

/** A snapshot and the shard it came from. */
export interface ShardRead {
  shard: number;
  snapshot: ShardSnapshot;
}

/**
 * Merges shard snapshots into one exposition. Counters and histograms keep a
 * `shard` label instead of being summed: a shard that misses one scrape then
 * makes its series briefly absent (Prometheus handles gaps) rather than making
 * a summed counter drop, which `rate()` would read as a reset and a spike.
 * Gauges are merged (sum gauges add up, last gauges keep the newest write),
 * since a gauge has no monotonicity to protect; stale last gauges are dropped. Every
 * registered family comes out, in registry order, even with no series (see
 * zeroSamples); series are sorted by labels so the output is stable.
 */
export function mergeShards(reads: readonly ShardRead[], options: MergeOptions): FamilyToRender[] {
  const oldestLastGauge = options.now - options.lastGaugeTtlMs;
  const byFamily = new Map<string, Map<string, Sample>>();
  for (const { shard, snapshot } of reads) {
    for (const sample of snapshot.samples) {
      if (sampleProblem(sample) !== null) continue; // a newer or older build's family: skip rather than mislabel
      if (sample.kind === "gauge_set" && sample.at < oldestLastGauge) continue;
      const perShard = sample.kind === "counter" || sample.kind === "histogram";
      const labels = perShard ? [...sample.labels, String(shard)] : sample.labels;
      const series = byFamily.get(sample.name) ?? new Map<string, Sample>();
      byFamily.set(sample.name, series);
      const key = seriesKey(sample.name, labels);
      series.set(key, mergeSample(series.get(key), { ...sample, labels }));
    }
  }
  const families: FamilyToRender[] = [];
  for (const name of Object.keys(METRICS) as MetricName[]) {
    const family = compileFamily(name);
    // Gauges the exporter computes at scrape time are appended by the scrape itself.
    if (!family || family.kind === null) continue;
    const perShard = family.kind === "counter" || family.kind === "histogram";
    const series = byFamily.get(name);
    families.push({
      name,
      definition: family.definition,
      labelNames: perShard ? [...family.labelNames, "shard"] : family.labelNames,
      // With no shard answering there is nothing to say a gauge is 0, so it stays empty.
      samples: series ? [...series.values()].sort((a, b) => compareLabels(a.labels, b.labels)) : reads.length > 0 ? zeroSamples(name, family.kind, family.labelNames) : [],
    });
  }
  return families;
}

/**
 * What a family without any recorded series shows, as client libraries do:
 * every family keeps its HELP and TYPE from the first scrape (dashboards and
 * autocomplete know the names before any traffic), and an unlabelled gauge
 * reads 0. Labelled families and histograms stay empty: inventing label
 * values or a per-shard series would be a guess.
 */
function zeroSamples(name: string, kind: Sample["kind"], labelNames: readonly string[]): Sample[] {
  if (labelNames.length > 0) return [];
  if (kind === "gauge_add") return [{ kind, name, labels: [], value: 0 }];
  if (kind === "gauge_set") return [{ kind, name, labels: [], value: 0, at: 0 }];
  return [];
}

function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const left = a[index] as string;
    const right = b[index] as string;
    if (left !== right) return left < right ? -1 : 1;
  }
  return a.length - b.length;
}
