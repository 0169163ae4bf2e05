/**
 * Renders a benchmark report as markdown: a header with machine and settings,
 * one table row per scenario, then MISS and FAILING lines.
 *
 * Standalone: node bench/table.ts bench/results/latest.json
 */
import { readFile } from "node:fs/promises";
import { isFailing, type BenchReport, type ScenarioReport } from "./report.ts";

const fmt = (value: number): string => value.toLocaleString("en-US", { maximumFractionDigits: 2 });
const times = (value: number | null, range?: [number, number]): string =>
  value === null ? "n/a" : `${value.toFixed(2)}×${range === undefined ? "" : ` (${range[0].toFixed(2)}–${range[1].toFixed(2)})`}`;

function targetCell(row: ScenarioReport): string {
  if (row.targetResults === undefined || row.targetResults.length === 0) return "";
  return row.targetResults.every((result) => result.pass) ? "pass" : "MISS";
}

function statusCell(row: ScenarioReport): string {
  return isFailing(row) ? "**FAILING**" : "ok";
}

/** Lines explaining every missed target and every failing scenario (empty when all is well). */
export function problemLines(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const row of report.scenarios) {
    if (isFailing(row)) {
      lines.push(
        `FAILING ${row.name}: ${row.non2xx} non-2xx, ${row.errors} errors (${row.timeouts} timeouts); its numbers are not meaningful. First error: ${row.firstError ?? "(none captured)"}`,
      );
    }
    for (const result of row.targetResults ?? []) {
      if (result.pass) continue;
      const relation = result.target === "minThroughputRatio" ? ">=" : "<=";
      const actual = result.actual === null ? "n/a" : result.actual.toFixed(3);
      lines.push(`MISS ${row.name}: ${result.target} ${actual} (target ${relation} ${result.limit})${result.note === undefined ? "" : `: ${result.note}`}`);
    }
  }
  return lines;
}

/** The markdown for a report. */
export function renderMarkdown(report: BenchReport): string {
  const { machine, settings } = report;
  const header = [
    `Benchmark ${report.date}: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}`,
    `${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured per scenario, ${settings.timeoutS} s request timeout; ratios are against the baseline scenario in the same run.`,
    ...(settings.rounds > 1
      ? [`${settings.rounds} interleaved rounds: values are medians over rounds; ratios are medians of per-round ratios, (min–max) over rounds in brackets.`]
      : []),
    ...(settings.twinRounds
      ? [
          `Plus ${settings.twinRounds} twin rounds of only the *-metrics-off scenarios and the scenarios they are compared with, back to back, alternating which goes first: their rows are over all ${settings.rounds + settings.twinRounds} rounds.`,
        ]
      : []),
    "CPU µs/req: CPU time of the stack's own processes (wrangler, workerd, the Redis bridge, redis-server; not the load generator) per request, from /proc; steadier than req/s on a shared machine. CPU ratio < 1 means cheaper than the baseline.",
    "",
  ];
  const table = [
    "| scenario | req/s | p50 ms | p99 ms | CPU µs/req | requests | non-2xx | errors | baseline | throughput ratio | p50 ratio | p99 ratio | CPU ratio | targets | status |",
    "|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|---|---|",
    ...report.scenarios.map((row) =>
      [
        "",
        row.name,
        fmt(row.reqPerSec),
        fmt(row.p50Ms),
        fmt(row.p99Ms),
        row.cpuUsPerRequest === undefined ? "n/a" : fmt(row.cpuUsPerRequest),
        fmt(row.requests),
        fmt(row.non2xx),
        fmt(row.errors),
        row.baseline,
        times(row.throughputRatio, row.ratioRange?.throughput),
        times(row.p50Ratio ?? null),
        times(row.p99Ratio, row.ratioRange?.p99),
        times(row.cpuRatio ?? null, row.ratioRange?.cpu),
        targetCell(row),
        statusCell(row),
        "",
      ]
        .join(" | ")
        .trim(),
    ),
  ];
  const legend = report.scenarios.map((row) => `- ${row.name}: ${row.description}`);
  const problems = problemLines(report);
  return [...header, ...table, ...furtherComparisons(report), "", ...legend, ...(problems.length > 0 ? ["", ...problems] : [])].join("\n") + "\n";
}

/** A second table for scenarios compared against more than their baseline (the cost-growth runs against the DO floor). */
function furtherComparisons(report: BenchReport): string[] {
  const rows = report.scenarios.flatMap((row) =>
    (row.alsoVs ?? []).map(
      (other) => `| ${row.name} | ${other.baseline} | ${times(other.throughputRatio)} | ${times(other.p50Ratio)} | ${times(other.p99Ratio)} |`,
    ),
  );
  if (rows.length === 0) return [];
  return [
    "",
    "Further comparisons (same run, no targets):",
    "",
    "| scenario | against | throughput ratio | p50 ratio | p99 ratio |",
    "|---|---|--:|--:|--:|",
    ...rows,
  ];
}

if (import.meta.main) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error("usage: node bench/table.ts <report.json>");
    process.exit(2);
  }
  // Trusted input: a report this tool wrote.
  const report = JSON.parse(await readFile(file, "utf8")) as BenchReport;
  process.stdout.write(renderMarkdown(report));
}
