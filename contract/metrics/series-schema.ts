import { definitionOf, FREE, type MetricDefinition } from "./definitions";
import type { Sample } from "./wire";

/** Longest value a FREE label may take; longer values are refused rather than truncated, so two routes never merge. */
export const MAX_LABEL_VALUE_LENGTH = 128;

/** A family's definition prepared for the hot path: ordered label names, allowed-value sets, bucket bounds. */
export interface CompiledFamily {
  readonly name: string;
  readonly definition: MetricDefinition;
  /** The sample kind this family is recorded as; null for gauges only the exporter computes. */
  readonly kind: Sample["kind"] | null;
  readonly labelNames: readonly string[];
  readonly allowed: ReadonlyArray<ReadonlySet<string> | null>;
  readonly bounds: readonly number[];
}

const compiled = new Map<string, CompiledFamily | null>();

function sampleKind(definition: MetricDefinition): Sample["kind"] | null {
  if (definition.type === "counter") return "counter";
  if (definition.type === "histogram") return "histogram";
  return definition.merge === "sum" ? "gauge_add" : definition.merge === "last" ? "gauge_set" : null;
}

/** The compiled family for a name (cached per isolate), or undefined when the name is not in the registry. */
export function compileFamily(name: string): CompiledFamily | undefined {
  let family = compiled.get(name);
  if (family === undefined) {
    const definition = definitionOf(name);
    family = definition
      ? {
          name,
          definition,
          kind: sampleKind(definition),
          labelNames: Object.keys(definition.labels),
          allowed: Object.values(definition.labels).map((spec) => (spec === FREE ? null : new Set<string>(spec))),
          bounds: definition.type === "histogram" ? definition.buckets : [],
        }
      : null;
    compiled.set(name, family);
  }
  return family ?? undefined;
}

/** Whether a value may be used for label `index` of a family. */
export function labelValueAllowed(family: CompiledFamily, index: number, value: unknown): value is string {
  if (typeof value !== "string") return false;
  const allowed = family.allowed[index];
  if (allowed) return allowed.has(value);
  return value.length > 0 && value.length <= MAX_LABEL_VALUE_LENGTH && !value.includes("\u0000");
}

/** Why a sample does not fit its family, or null when it does (used by the shard on every incoming sample). */
export function sampleProblem(sample: Sample): "unknown_metric" | "schema" | "invalid_label" | "invalid_value" | null {
  const family = compileFamily(sample.name);
  if (!family) return "unknown_metric";
  if (family.kind !== sample.kind || !Array.isArray(sample.labels) || sample.labels.length !== family.labelNames.length) return "schema";
  for (let index = 0; index < sample.labels.length; index++) {
    if (!labelValueAllowed(family, index, sample.labels[index])) return "invalid_label";
  }
  switch (sample.kind) {
    case "counter":
      return Number.isFinite(sample.value) && sample.value >= 0 ? null : "invalid_value";
    case "gauge_add":
      return Number.isFinite(sample.value) ? null : "invalid_value";
    case "gauge_set":
      return Number.isFinite(sample.value) && Number.isFinite(sample.at) ? null : "invalid_value";
    case "histogram":
      if (!Array.isArray(sample.buckets) || sample.buckets.length !== family.bounds.length + 1) return "schema";
      return sample.buckets.every((count) => Number.isFinite(count) && count >= 0) && Number.isFinite(sample.sum) && Number.isFinite(sample.count) && sample.count >= 0
        ? null
        : "invalid_value";
  }
}

/** Adds `next` into a copy of `current` (same series): counters and deltas add, set-gauges keep the newest, histograms add per bucket. */
export function mergeSample(current: Sample | undefined, next: Sample): Sample {
  if (!current || current.kind !== next.kind) return cloneSample(next);
  switch (next.kind) {
    case "counter":
    case "gauge_add":
      return { ...next, labels: current.labels, value: (current as typeof next).value + next.value };
    case "gauge_set":
      return (current as typeof next).at > next.at ? current : cloneSample(next);
    case "histogram": {
      const previous = current as typeof next;
      return {
        ...next,
        labels: current.labels,
        buckets: previous.buckets.map((count, index) => count + (next.buckets[index] ?? 0)),
        sum: previous.sum + next.sum,
        count: previous.count + next.count,
      };
    }
  }
}

function cloneSample(sample: Sample): Sample {
  return sample.kind === "histogram" ? { ...sample, labels: [...sample.labels], buckets: [...sample.buckets] } : { ...sample, labels: [...sample.labels] };
}
