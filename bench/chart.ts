/**
 * `npm run bench:chart` (also run at the end of `npm run bench`): draws the
 * throughput ratio of every scenario of bench/results/latest.json against its
 * baseline as horizontal bars, with a mark where a throughput target lies (the
 * note beside a bar also says whether its latency targets held), and writes
 * bench/results/throughput.svg. Hand-written SVG: no dependency, no network.
 *
 * Standalone: node bench/chart.ts [report.json] [out.svg]
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isFailing, type BenchReport, type ScenarioReport } from "./report.ts";

const ROW_HEIGHT = 22;
const BAR_HEIGHT = 14;
const LABEL_WIDTH = 250;
const PLOT_WIDTH = 460;
const VALUE_WIDTH = 300;
const TOP = 56;
const BOTTOM = 40;
const COLORS = { bar: "#4e79a7", miss: "#e15759", failing: "#9c9c9c", target: "#f28e2b", grid: "#dddddd", text: "#222222" };

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The throughput limit of a row, if it has one, and which way it points. */
function throughputTarget(row: ScenarioReport): { limit: number; sign: "≥" | "≤"; pass: boolean } | undefined {
  for (const result of row.targetResults ?? []) {
    if (result.target === "minThroughputRatio") return { limit: result.limit, sign: "≥", pass: result.pass };
    if (result.target === "maxThroughputRatio") return { limit: result.limit, sign: "≤", pass: result.pass };
  }
  return undefined;
}

/** The whole SVG document for a report. */
export function renderChart(report: BenchReport): string {
  const rows = report.scenarios.filter((row) => row.name !== row.baseline);
  const values = rows.flatMap((row) => [row.throughputRatio ?? 0, throughputTarget(row)?.limit ?? 0]);
  // Whole tenths up to at least 1×, so the 1× line (as fast as the baseline) is always drawn.
  const maxX = Math.max(1, Math.ceil(Math.max(...values, 0) * 10 + 1) / 10);
  const x = (value: number) => LABEL_WIDTH + (Math.min(value, maxX) / maxX) * PLOT_WIDTH;
  const height = TOP + rows.length * ROW_HEIGHT + BOTTOM;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="${COLORS.text}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Throughput ratio to each scenario's baseline (same run)</text>`,
    `<text x="10" y="38" font-size="11">${escape(`${report.date.slice(0, 16).replace("T", " ")} UTC · ${report.machine.cpuCount} × ${report.machine.cpuModel} · ${report.settings.connections} connections · ${report.settings.durationS} s × ${report.settings.rounds} round(s)`)}</text>`,
  ];
  const step = maxX <= 2 ? 0.25 : maxX <= 5 ? 0.5 : 1;
  for (let tick = 0; tick <= maxX + 1e-9; tick += step) {
    const tx = x(tick);
    parts.push(
      `<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - BOTTOM + 4}" stroke="${tick === 1 ? "#888888" : COLORS.grid}"/>`,
      `<text x="${tx}" y="${height - BOTTOM + 18}" text-anchor="middle" font-size="11">${tick.toFixed(2).replace(/\.?0+$/, "")}×</text>`,
    );
  }
  rows.forEach((row, index) => {
    const y = TOP + index * ROW_HEIGHT;
    const ratio = row.throughputRatio ?? 0;
    const target = throughputTarget(row);
    const color = isFailing(row) ? COLORS.failing : target !== undefined && !target.pass ? COLORS.miss : COLORS.bar;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT - 3}" text-anchor="end">${escape(row.name)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(0, x(ratio) - LABEL_WIDTH)}" height="${BAR_HEIGHT}" fill="${color}"><title>${escape(`${row.name}: ${ratio}× ${row.baseline}`)}</title></rect>`,
    );
    let note = `${row.throughputRatio === null ? "n/a" : `${ratio.toFixed(2)}×`} ${row.baseline}`;
    if (target !== undefined) {
      const tx = x(target.limit);
      parts.push(`<line x1="${tx}" y1="${y - 3}" x2="${tx}" y2="${y + BAR_HEIGHT + 3}" stroke="${COLORS.target}" stroke-width="3"/>`);
      note += `; target ${target.sign} ${target.limit.toFixed(2)} ${target.pass ? "pass" : "MISS"}`;
    }
    const latency = (row.targetResults ?? []).filter((result) => result.target === "maxP50Ratio" || result.target === "maxP99Ratio");
    if (latency.length > 0) note += `; latency ${latency.every((result) => result.pass) ? "pass" : "MISS"}`;
    if (isFailing(row)) note += " FAILING";
    parts.push(`<text x="${LABEL_WIDTH + PLOT_WIDTH + 8}" y="${y + BAR_HEIGHT - 3}" font-size="11">${escape(note)}</text>`);
  });
  const legendY = height - 8;
  parts.push(
    `<rect x="${LABEL_WIDTH}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.bar}"/><text x="${LABEL_WIDTH + 14}" y="${legendY}" font-size="11">ratio</text>`,
    `<rect x="${LABEL_WIDTH + 60}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.miss}"/><text x="${LABEL_WIDTH + 74}" y="${legendY}" font-size="11">target missed</text>`,
    `<line x1="${LABEL_WIDTH + 170}" y1="${legendY - 10}" x2="${LABEL_WIDTH + 170}" y2="${legendY + 1}" stroke="${COLORS.target}" stroke-width="3"/><text x="${LABEL_WIDTH + 176}" y="${legendY}" font-size="11">throughput target</text>`,
    `<rect x="${LABEL_WIDTH + 290}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.failing}"/><text x="${LABEL_WIDTH + 304}" y="${legendY}" font-size="11">requests failed</text>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}

/** Reads a report and writes its chart; returns the SVG's path. */
export async function writeChart(reportFile: string, svgFile: string): Promise<string> {
  // Trusted input: a report bench/run.ts wrote.
  const report = JSON.parse(await readFile(reportFile, "utf8")) as BenchReport;
  await writeFile(svgFile, renderChart(report));
  return svgFile;
}

if (import.meta.main) {
  const results = join(import.meta.dirname, "results");
  const [reportFile = join(results, "latest.json"), svgFile = join(results, "throughput.svg")] = process.argv.slice(2);
  console.log(`[bench] wrote ${await writeChart(reportFile, svgFile)}`);
}
