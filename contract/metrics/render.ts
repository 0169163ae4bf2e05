import type { FamilyToRender } from "./merge";
import type { Sample } from "./wire";

/** The two exposition formats the exporter speaks. */
export type ExpositionFormat = "prometheus" | "openmetrics";

/** Content-Type of each format. */
export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: "text/plain; version=0.0.4; charset=utf-8",
  openmetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

/**
 * OpenMetrics when the scraper lists it in Accept (Prometheus does, preferring
 * it), otherwise the classic text format 0.0.4.
 */
export function negotiateFormat(accept: string | null): ExpositionFormat {
  if (!accept) return "prometheus";
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().split(";").map((piece) => piece.trim());
    const q = params.find((param) => param.startsWith("q="));
    if (type.toLowerCase() === "application/openmetrics-text" && (q === undefined || Number(q.slice(2)) > 0)) return "openmetrics";
  }
  return "prometheus";
}

/** Label values escape backslash, double quote and newline (both formats). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and newline in the 0.0.4 format; OpenMetrics also escapes double quotes. */
function escapeHelp(text: string, format: ExpositionFormat): string {
  const escaped = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return format === "openmetrics" ? escaped.replace(/"/g, '\\"') : escaped;
}

/** Sample values: integers as integers, +Inf/-Inf/NaN spelled as both formats want. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Bucket bounds in canonical float form (`1.0`, `0.005`), as OpenMetrics asks, in both formats so series never change name. */
export function formatBound(bound: number): string {
  if (bound === Infinity) return "+Inf";
  return Number.isInteger(bound) ? `${bound}.0` : String(bound);
}

function labelSet(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs: string[] = [];
  for (let index = 0; index < names.length; index++) pairs.push(`${names[index]}="${escapeLabelValue(values[index] ?? "")}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function renderSample(lines: string[], family: FamilyToRender, sample: Sample): void {
  const labels = sample.labels;
  if (sample.kind !== "histogram") {
    lines.push(`${family.name}${labelSet(family.labelNames, labels)} ${formatValue(sample.value)}`);
    return;
  }
  const bounds = family.definition.type === "histogram" ? family.definition.buckets : [];
  const base = family.name;
  let cumulative = 0;
  for (let index = 0; index < bounds.length; index++) {
    cumulative += sample.buckets[index] ?? 0;
    lines.push(`${base}_bucket${labelSet(family.labelNames, labels, ["le", formatBound(bounds[index] as number)])} ${formatValue(cumulative)}`);
  }
  // +Inf equals _count by definition; taking it from count keeps the two identical even after float sums.
  lines.push(`${base}_bucket${labelSet(family.labelNames, labels, ["le", "+Inf"])} ${formatValue(sample.count)}`);
  lines.push(`${base}_sum${labelSet(family.labelNames, labels)} ${formatValue(sample.sum)}`);
  lines.push(`${base}_count${labelSet(family.labelNames, labels)} ${formatValue(sample.count)}`);
}

/**
 * Renders families as Prometheus text 0.0.4 or OpenMetrics 1.0: one HELP and
 * TYPE per family, samples grouped under it, histograms as cumulative
 * `_bucket{le}` ending in `+Inf`, then `_sum` and `_count`. In OpenMetrics, a
 * counter's family name drops the `_total` its samples carry, and the
 * exposition ends with `# EOF`.
 */
export function render(families: readonly FamilyToRender[], format: ExpositionFormat): string {
  const lines: string[] = [];
  for (const family of families) {
    const typeName = family.definition.type;
    const familyName = format === "openmetrics" && typeName === "counter" ? family.name.replace(/_total$/, "") : family.name;
    lines.push(`# HELP ${familyName} ${escapeHelp(family.definition.help, format)}`);
    lines.push(`# TYPE ${familyName} ${typeName}`);
    for (const sample of family.samples) renderSample(lines, family, sample);
  }
  if (format === "openmetrics") lines.push("# EOF");
  return lines.join("\n") + "\n";
}
