/** The bench's arithmetic and drawing, on hand-made measurements: ratios, extra comparisons, latency targets, the chart. */
import { describe, expect, it } from "vitest";
import { renderChart } from "../../bench/chart.ts";
import { compare, type BenchReport, type Measurement } from "../../bench/report.ts";
import { defineScenario } from "../../bench/scenario.ts";
import { selectScenarios } from "../../bench/settings.ts";
import { renderMarkdown } from "../../bench/table.ts";

const run = (reqPerSec: number, p50Ms: number, p99Ms: number): Measurement => ({
  reqPerSec,
  p50Ms,
  p99Ms,
  requests: reqPerSec * 10,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
});
const scenario = (name: string, more: { baseline?: string; alsoVs?: string[] } = {}) =>
  defineScenario({ name, description: name, requests: () => [{ method: "GET", path: "/" }], ...more });

describe("bench report (happy)", () => {
  it("ratios against the baseline and each alsoVs scenario, with p50 targets checked", () => {
    const report = compare(
      { name: "rows-10000", description: "d", baseline: "rows-10", targets: { maxP50Ratio: 1.25, maxP99Ratio: 1.5 } },
      [run(90, 12, 40)],
      [run(100, 10, 20)],
      [{ baseline: "floor", rounds: [run(180, 6, 20)] }],
    );
    expect(report).toMatchObject({ throughputRatio: 0.9, p50Ratio: 1.2, p99Ratio: 2 });
    expect(report.alsoVs).toEqual([{ baseline: "floor", throughputRatio: 0.5, p50Ratio: 2, p99Ratio: 2 }]);
    expect(report.targetResults).toEqual([
      { target: "maxP50Ratio", limit: 1.25, actual: 1.2, pass: true },
      { target: "maxP99Ratio", limit: 1.5, actual: 2, pass: false },
    ]);
  });

  it("CPU per request: medians over rounds, the per-round ratio to the baseline with its range", () => {
    const withCpu = (reqPerSec: number, cpuUsPerRequest: number): Measurement => ({ ...run(reqPerSec, 10, 20), cpuUsPerRequest });
    const report = compare(
      { name: "metrics-off", description: "d", baseline: "metrics-on" },
      [withCpu(110, 1900), withCpu(90, 2000), withCpu(100, 1950)],
      [withCpu(100, 2000), withCpu(100, 2000), withCpu(100, 2000)],
    );
    expect(report.cpuUsPerRequest).toBe(1950);
    expect(report.cpuRatio).toBe(0.975);
    expect(report.ratioRange?.cpu).toEqual([0.95, 1]);
    // Rounds without a reading (no /proc) give no CPU figures rather than zeros.
    const without = compare({ name: "x", description: "d", baseline: "y" }, [run(100, 10, 20)], [run(100, 10, 20)]);
    expect(without.cpuUsPerRequest).toBeUndefined();
    expect(without.cpuRatio).toBeUndefined();
  });

  it("BENCH_ONLY brings in the alsoVs scenarios too, in registry order", () => {
    const registry = [
      scenario("noop"),
      scenario("floor"),
      scenario("users-10", { baseline: "floor" }),
      scenario("users-10000", { baseline: "users-10", alsoVs: ["floor"] }),
    ];
    expect(selectScenarios(registry, "users-10000").map((s) => s.name)).toEqual(["noop", "floor", "users-10", "users-10000"]);
    expect(() => selectScenarios([scenario("noop"), scenario("x", { alsoVs: ["missing"] })], undefined)).toThrow(/unknown baseline "missing"/);
  });

  it("the table and the chart show every compared scenario, the targets and the further comparisons", () => {
    const report: BenchReport = {
      date: "2026-11-27T10:00:00.000Z",
      machine: { cpuModel: "Test CPU", cpuCount: 2, memoryGiB: 8, node: "v22", os: "Linux" },
      settings: { durationS: 10, connections: 16, warmupS: 2, timeoutS: 5, rounds: 1 },
      scenarios: [
        compare({ name: "noop", description: "d", baseline: "noop" }, [run(100, 10, 20)], [run(100, 10, 20)]),
        compare({ name: "auth-noop", description: "d", baseline: "noop", targets: { minThroughputRatio: 0.9 } }, [run(80, 10, 20)], [run(100, 10, 20)]),
        compare(
          { name: "peer<&>", description: "d", baseline: "noop", targets: { maxThroughputRatio: 1 / 3 } },
          [run(30, 10, 20)],
          [run(100, 10, 20)],
          [{ baseline: "auth-noop", rounds: [run(80, 10, 20)] }],
        ),
      ],
    };
    const table = renderMarkdown(report);
    expect(table).toContain("| auth-noop | 80 | 10 | 20 | n/a | 800 | 0 | 0 | noop | 0.80× | 1.00× | 1.00× | n/a | MISS | ok |");
    expect(table).toContain("| peer<&> | auth-noop | 0.38× | 1.00× | 1.00× |");

    const svg = renderChart(report);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).not.toContain(">noop<"); // the baseline itself is not a bar
    expect(svg).toContain(">auth-noop<");
    expect(svg).toContain("peer&lt;&amp;&gt;");
    expect(svg).toContain("0.80× noop; target ≥ 0.90 MISS");
    expect(svg).toContain("0.30× noop; target ≤ 0.33 pass");
    expect(svg.match(/stroke-width="3"/g)).toHaveLength(3); // two target marks and the legend's
  });
});
