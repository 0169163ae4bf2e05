/** Run settings from the environment (BENCH_*) and the scenario selection. */
import type { LoadSettings } from "./measure.ts";
import type { RegisteredScenario } from "./scenario.ts";

/** Long enough for a slow wrangler dev answer, short enough that a hung route shows as timeouts, not a stall. */
const REQUEST_TIMEOUT_S = 5;

/** With the rounds of a 2-round run, 8 side-by-side pairs per metrics-off twin: enough to tell a 2 % cost from a 10 % one here. */
const DEFAULT_TWIN_ROUNDS = 6;

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, check: (value: number) => boolean, rule: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${rule} (got "${raw}")`);
  return value;
}

function readFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? "").trim().toLowerCase();
  if (raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new Error(`${name} must be 1/true or 0/false (got "${env[name]}")`);
}

/** Load settings plus how often the whole scenario sequence repeats. */
export interface RunSettings extends LoadSettings {
  /**
   * Rounds of the whole sequence; values are medians over rounds and ratios the
   * medians of per-round ratios, so that drift of a noisy machine cancels out.
   */
  rounds: number;
  /** Extra rounds of only the metrics-off twins and their unpatched scenarios (bench/twins.ts). */
  twinRounds: number;
  /** BENCH_PROFILE=1: a CPU profile of the API Worker's isolate per measured run (bench/profiler.ts). */
  profile: boolean;
}

/**
 * BENCH_DURATION_S (default 10), BENCH_WARMUP_S (default 2, 0 = none), BENCH_CONNECTIONS (default 16), BENCH_ROUNDS (default 1),
 * BENCH_TWIN_ROUNDS (default 6, 0 = none), BENCH_PROFILE (default off).
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): RunSettings {
  return {
    rounds: readNumber(env, "BENCH_ROUNDS", 1, (v) => Number.isInteger(v) && v >= 1 && v <= 20, "a whole number, 1-20"),
    twinRounds: readNumber(env, "BENCH_TWIN_ROUNDS", DEFAULT_TWIN_ROUNDS, (v) => Number.isInteger(v) && v >= 0 && v <= 20, "a whole number, 0-20"),
    durationS: readNumber(env, "BENCH_DURATION_S", 10, (v) => Number.isInteger(v) && v >= 1 && v <= 600, "a whole number of seconds, 1-600"),
    warmupS: readNumber(env, "BENCH_WARMUP_S", 2, (v) => Number.isInteger(v) && v >= 0 && v <= 60, "a whole number of seconds, 0-60"),
    connections: readNumber(env, "BENCH_CONNECTIONS", 16, (v) => Number.isInteger(v) && v >= 1 && v <= 1024, "a whole number, 1-1024"),
    timeoutS: REQUEST_TIMEOUT_S,
    profile: readFlag(env, "BENCH_PROFILE"),
  };
}

/**
 * The scenarios to run, in registry order: those named in BENCH_ONLY (all when
 * unset) plus every baseline they are compared against (`baseline` and `alsoVs`), since ratios are only
 * meaningful within one run. Throws on unknown names and on bad registry entries.
 */
export function selectScenarios(registry: readonly RegisteredScenario[], only: string | undefined): RegisteredScenario[] {
  const byName = new Map<string, RegisteredScenario>();
  for (const scenario of registry) {
    if (byName.has(scenario.name)) throw new Error(`scenario "${scenario.name}" is registered twice`);
    byName.set(scenario.name, scenario);
  }
  for (const scenario of registry) {
    for (const baseline of [scenario.baseline, ...scenario.alsoVs])
      if (!byName.has(baseline)) throw new Error(`scenario "${scenario.name}" has unknown baseline "${baseline}"`);
  }
  const wanted = (only ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (wanted.length === 0) return [...registry];
  const unknown = wanted.filter((name) => !byName.has(name));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(", ")}; known: ${[...byName.keys()].join(", ")}`);
  const chosen = new Set<string>();
  const add = (name: string) => {
    if (chosen.has(name)) return;
    chosen.add(name);
    const scenario = byName.get(name);
    if (scenario !== undefined) [scenario.baseline, ...scenario.alsoVs].forEach(add);
  };
  wanted.forEach(add);
  return registry.filter((scenario) => chosen.has(scenario.name));
}
