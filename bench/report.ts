/**
 * The benchmark report (bench/results/latest.json): its shape, the machine it
 * ran on, and the ratios and target checks that turn raw measurements into
 * comparisons against a baseline measured in the same run (absolute numbers
 * from `wrangler dev` on a laptop mean little; ratios travel better).
 */
import { cpus, release, totalmem, type as osType, arch } from "node:os";
import type { Targets } from "./scenario.ts";

/** What one measured run of a scenario produced. */
export interface Measurement {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** First non-2xx answer ("401 {...}") or request error seen; undefined when all went well. */
  firstError?: string;
}

/** One target, checked. */
export interface TargetResult {
  target: keyof Targets;
  limit: number;
  actual: number | null;
  pass: boolean;
  /** Why it missed beyond the number (failing requests make any ratio meaningless). */
  note?: string;
}

/** One scenario's row in the report. */
export interface ScenarioReport extends Measurement {
  name: string;
  description: string;
  baseline: string;
  /** reqPerSec / baseline reqPerSec; null when the baseline measured nothing. */
  throughputRatio: number | null;
  /** p99 / baseline p99; null when the baseline p99 is 0. */
  p99Ratio: number | null;
  targets?: Targets;
  targetResults?: TargetResult[];
}

/** The whole report. */
export interface BenchReport {
  date: string;
  machine: { cpuModel: string; cpuCount: number; memoryGiB: number; node: string; os: string };
  settings: { durationS: number; connections: number; warmupS: number; timeoutS: number };
  scenarios: ScenarioReport[];
}

/** The machine the numbers came from; without it they cannot be compared. */
export function machineInfo(): BenchReport["machine"] {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    cpuCount: cores.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()} ${arch()}`,
  };
}

/** A scenario whose requests failed measured error handling, not the route. */
export function isFailing(m: Pick<Measurement, "non2xx" | "errors">): boolean {
  return m.non2xx > 0 || m.errors > 0;
}

const ratio = (value: number, base: number): number | null => (base > 0 ? Math.round((value / base) * 1000) / 1000 : null);

/** Adds the ratios against the baseline's measurement and checks the targets. */
export function compare(
  scenario: { name: string; description: string; baseline: string; targets?: Targets },
  measured: Measurement,
  baseline: Measurement,
): ScenarioReport {
  const throughputRatio = ratio(measured.reqPerSec, baseline.reqPerSec);
  const p99Ratio = ratio(measured.p99Ms, baseline.p99Ms);
  const report: ScenarioReport = { name: scenario.name, description: scenario.description, baseline: scenario.baseline, ...measured, throughputRatio, p99Ratio };
  if (scenario.targets === undefined) return report;
  const invalid = isFailing(measured) ? "its requests failed" : isFailing(baseline) ? `baseline ${scenario.baseline} failed` : undefined;
  const results: TargetResult[] = [];
  const check = (target: keyof Targets, limit: number | undefined, actual: number | null, ok: (actual: number, limit: number) => boolean) => {
    if (limit === undefined) return;
    const pass = invalid === undefined && actual !== null && ok(actual, limit);
    results.push({ target, limit, actual, pass, ...(invalid === undefined ? {} : { note: invalid }) });
  };
  check("minThroughputRatio", scenario.targets.minThroughputRatio, throughputRatio, (actual, limit) => actual >= limit);
  check("maxP99Ratio", scenario.targets.maxP99Ratio, p99Ratio, (actual, limit) => actual <= limit);
  return { ...report, targets: scenario.targets, targetResults: results };
}
