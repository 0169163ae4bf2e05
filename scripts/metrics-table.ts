/**
 * Prints the README's metric family table from the registry
 * (src/metrics/definitions.ts), so the documentation cannot drift from the code.
 * Usage: node scripts/metrics-table.ts
 */
import { FREE, METRICS, type MetricDefinition } from "../contract/metrics/definitions.ts";

function typeOf(definition: MetricDefinition): string {
  if (definition.type !== "gauge") return definition.type;
  return { sum: "gauge (summed deltas)", last: "gauge (newest wins)", scrape: "gauge (exporter)" }[definition.merge];
}

function labelsOf(definition: MetricDefinition): string {
  const labels = Object.entries(definition.labels).map(([label, values]) => (values === FREE ? `\`${label}\`` : `\`${label}\` (${values.join(", ")})`));
  // The exporter keeps counters and histograms per shard so a missed shard is a gap, not a reset.
  if (definition.type === "counter" || definition.type === "histogram") labels.push("`shard`");
  return labels.length > 0 ? labels.join(", ") : "none";
}

/** The markdown table. */
export function metricsTable(): string {
  const rows = Object.entries(METRICS).map(([name, definition]) => `| \`${name}\` | ${typeOf(definition)} | ${labelsOf(definition)} | ${definition.help.replace(/\|/g, "\\|")} |`);
  return ["| family | type | labels | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

if (import.meta.main) console.log(metricsTable());
