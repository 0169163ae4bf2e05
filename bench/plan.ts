/**
 * The order of a bench's measured runs, built before the first one so that the
 * time estimate counts every pause: the whole-sequence rounds (every other one
 * backwards), then the twin rounds (bench/twins.ts), and where a run must first
 * wait for the previous run's Durable Objects to close (`objects` in scenario.ts).
 */
import type { RegisteredScenario } from "./scenario.ts";
import { twinPairs, twinRoundOrder } from "./twins.ts";

/** One measured run in the plan. */
export interface PlannedRun<T> {
  entry: T;
  /** Progress prefix ("round 1/2 ", "twin round 3/6 ", or "" with a single round). */
  label: string;
  /** 1-based over the whole plan: twin round k is round `rounds + k` (profile file names). */
  round: number;
  /** Whether it belongs to a twin round (its figures go with the `*-metrics-off` rows only). */
  twin: boolean;
  /** The previous run kept another group of objects awake: wait for workerd to close them first. */
  waitForObjects: boolean;
}

/** A scenario's warm-up: the run's, or the scenario's own longer one. */
export function warmupOf(scenario: Pick<RegisteredScenario, "minWarmupS">, settings: { warmupS: number }): number {
  return Math.max(settings.warmupS, scenario.minWarmupS ?? 0);
}

/** Every measured run, in order. */
export function planRuns<T extends { scenario: RegisteredScenario }>(prepared: readonly T[], rounds: number, twinRounds: number): PlannedRun<T>[] {
  const runs: Array<Omit<PlannedRun<T>, "waitForObjects">> = [];
  for (let round = 1; round <= rounds; round++) {
    const label = rounds > 1 ? `round ${round}/${rounds} ` : "";
    // Every other round runs backwards (A B C, C B A, ...): the machine's slow drift then weighs on both sides of each ratio alike.
    const order = round % 2 === 1 ? prepared : [...prepared].reverse();
    for (const entry of order) runs.push({ entry, label, round, twin: false });
  }
  const pairs = twinPairs(prepared);
  for (let round = 1; round <= twinRounds && pairs.length > 0; round++) {
    for (const entry of twinRoundOrder(pairs, round)) runs.push({ entry, label: `twin round ${round}/${twinRounds} `, round: rounds + round, twin: true });
  }
  return runs.map((run, index) => {
    const before = runs[index - 1]?.entry.scenario.objects;
    return { ...run, waitForObjects: before !== undefined && before !== run.entry.scenario.objects };
  });
}

/** About how long the plan takes, in seconds: warm-ups, measured runs and the pauses around them. */
export function plannedSeconds(
  plan: ReadonlyArray<PlannedRun<{ scenario: RegisteredScenario }>>,
  settings: { warmupS: number; durationS: number },
  pauses: { settleS: number; objectsClosedS: number },
): number {
  return plan.reduce(
    (total, { entry: { scenario }, waitForObjects }) =>
      total +
      warmupOf(scenario, settings) +
      settings.durationS +
      // A patched run also waits for its patch to be undone.
      pauses.settleS * (scenario.runtimeConfig ? 2 : 1) +
      (waitForObjects ? pauses.objectsClosedS : 0),
    0,
  );
}
