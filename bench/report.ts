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
  /**
   * CPU time of the stack's processes per request during the measured run, in µs
   * (`bench/cpu.ts`); absent where /proc is not available.
   */
  cpuUsPerRequest?: number;
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

/** Ratios of a scenario against one other scenario measured in the same run. */
export interface Comparison {
  baseline: string;
  throughputRatio: number | null;
  p50Ratio: number | null;
  p99Ratio: number | null;
}

/** One scenario's row in the report. */
export interface ScenarioReport extends Measurement {
  name: string;
  description: string;
  baseline: string;
  /** reqPerSec / baseline reqPerSec; null when the baseline measured nothing. */
  throughputRatio: number | null;
  /** p50 / baseline p50; null when the baseline p50 is 0. */
  p50Ratio: number | null;
  /** p99 / baseline p99; null when the baseline p99 is 0. */
  p99Ratio: number | null;
  /** CPU per request / baseline CPU per request (median of per-round ratios); absent without CPU readings. */
  cpuRatio?: number | null;
  /** Ratios against the scenario's further comparison points (`alsoVs`), same run; no targets. */
  alsoVs?: Comparison[];
  /** Each round's own measurement, in round order (the figures above are their medians and sums). */
  rounds?: Measurement[];
  /** With several rounds: the lowest and highest per-round ratio, to show how much of a ratio is noise. */
  ratioRange?: { throughput: [number, number]; p99: [number, number]; cpu?: [number, number] };
  targets?: Targets;
  targetResults?: TargetResult[];
}

/** The whole report. */
export interface BenchReport {
  date: string;
  machine: { cpuModel: string; cpuCount: number; memoryGiB: number; node: string; os: string };
  /** `twinRounds`: extra rounds of the metrics-off twins and their unpatched scenarios only (bench/twins.ts); absent in older reports. */
  settings: { durationS: number; connections: number; warmupS: number; timeoutS: number; rounds: number; twinRounds?: number };
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

/** Median (mean of the middle two for an even count); null for no values. */
function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value * 1000) / 1000;
}

/** One measurement from several rounds: medians of rates and latencies, sums of counts, the first error. */
export function combineRounds(rounds: readonly Measurement[]): Measurement {
  const pick = (key: "reqPerSec" | "p50Ms" | "p99Ms") => median(rounds.map((round) => round[key])) ?? 0;
  const cpu = median(rounds.flatMap((round) => (round.cpuUsPerRequest === undefined ? [] : [round.cpuUsPerRequest])));
  const sum = (key: "requests" | "non2xx" | "errors" | "timeouts") => rounds.reduce((total, round) => total + round[key], 0);
  const firstError = rounds.find((round) => round.firstError !== undefined)?.firstError;
  return {
    reqPerSec: Math.round(pick("reqPerSec")),
    p50Ms: pick("p50Ms"),
    p99Ms: pick("p99Ms"),
    requests: sum("requests"),
    non2xx: sum("non2xx"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    ...(cpu === null ? {} : { cpuUsPerRequest: Math.round(cpu) }),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** Per-round ratios (round i of the scenario against round i of its baseline: same moment, same machine state). */
function roundRatios(own: readonly Measurement[], base: readonly Measurement[], key: "reqPerSec" | "p50Ms" | "p99Ms" | "cpuUsPerRequest"): number[] {
  return own.flatMap((round, i) => {
    const mine = round[key];
    const value = mine === undefined ? null : ratio(mine, base[i]?.[key] ?? 0);
    return value === null ? [] : [value];
  });
}

/** Medians of the per-round ratios of `own` against `base`. */
function comparison(baseline: string, own: readonly Measurement[], base: readonly Measurement[]): Comparison {
  return {
    baseline,
    throughputRatio: median(roundRatios(own, base, "reqPerSec")),
    p50Ratio: median(roundRatios(own, base, "p50Ms")),
    p99Ratio: median(roundRatios(own, base, "p99Ms")),
  };
}

/**
 * Combines the rounds, adds the ratios against the baseline's rounds (and against
 * each of `others`, the `alsoVs` scenarios) and checks the targets.
 */
export function compare(
  scenario: { name: string; description: string; baseline: string; targets?: Targets },
  ownRounds: readonly Measurement[],
  baseRounds: readonly Measurement[],
  others: ReadonlyArray<{ baseline: string; rounds: readonly Measurement[] }> = [],
): ScenarioReport {
  const measured = combineRounds(ownRounds);
  const baseline = combineRounds(baseRounds);
  const throughputRatios = roundRatios(ownRounds, baseRounds, "reqPerSec");
  const p99Ratios = roundRatios(ownRounds, baseRounds, "p99Ms");
  const cpuRatios = roundRatios(ownRounds, baseRounds, "cpuUsPerRequest");
  const throughputRatio = median(throughputRatios);
  const p50Ratio = median(roundRatios(ownRounds, baseRounds, "p50Ms"));
  const p99Ratio = median(p99Ratios);
  const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  const report: ScenarioReport = {
    name: scenario.name,
    description: scenario.description,
    baseline: scenario.baseline,
    ...measured,
    throughputRatio,
    p50Ratio,
    p99Ratio,
    ...(cpuRatios.length > 0 ? { cpuRatio: median(cpuRatios) } : {}),
    ...(ownRounds.length > 1 ? { rounds: [...ownRounds] } : {}),
    ...(others.length > 0 ? { alsoVs: others.map((other) => comparison(other.baseline, ownRounds, other.rounds)) } : {}),
    ...(ownRounds.length > 1 && throughputRatios.length > 0 && p99Ratios.length > 0
      ? { ratioRange: { throughput: range(throughputRatios), p99: range(p99Ratios), ...(cpuRatios.length > 1 ? { cpu: range(cpuRatios) } : {}) } }
      : {}),
  };
  if (scenario.targets === undefined) return report;
  const invalid = isFailing(measured) ? "its requests failed" : isFailing(baseline) ? `baseline ${scenario.baseline} failed` : undefined;
  const results: TargetResult[] = [];
  const check = (target: keyof Targets, limit: number | undefined, actual: number | null, ok: (actual: number, limit: number) => boolean) => {
    if (limit === undefined) return;
    const pass = invalid === undefined && actual !== null && ok(actual, limit);
    results.push({ target, limit, actual, pass, ...(invalid === undefined ? {} : { note: invalid }) });
  };
  check("minThroughputRatio", scenario.targets.minThroughputRatio, throughputRatio, (actual, limit) => actual >= limit);
  check("maxThroughputRatio", scenario.targets.maxThroughputRatio, throughputRatio, (actual, limit) => actual <= limit);
  check("maxP50Ratio", scenario.targets.maxP50Ratio, p50Ratio, (actual, limit) => actual <= limit);
  check("maxP99Ratio", scenario.targets.maxP99Ratio, p99Ratio, (actual, limit) => actual <= limit);
  return { ...report, targets: scenario.targets, targetResults: results };
}
