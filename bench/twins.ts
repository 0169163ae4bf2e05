/**
 * Twin rounds: extra rounds of only the scenarios measured with a runtime-config
 * patch (the `*-metrics-off` twins) and the scenarios they are compared with.
 *
 * Why: their target is a 5 % bound, and on this shared 2-core machine one pair of
 * 8 s runs moves by about ±7 % even in CPU per request. Two rounds of the whole
 * sequence cannot tell a 2 % cost from a 10 % one; eight pairs measured side by
 * side can, without repeating the other 30-odd runs. Each twin round runs every
 * pair back to back, the unpatched side first in odd rounds and the patched side
 * first in even ones, so that neither side is always the one that follows a
 * different scenario.
 */
import type { Measurement } from "./report.ts";
import type { RegisteredScenario } from "./scenario.ts";

/** A patched scenario and the unpatched one its ratio is against. */
export interface TwinPair<T> {
  unpatched: T;
  patched: T;
}

/** The pairs among `prepared`: every scenario with a runtime-config patch whose baseline was prepared too. */
export function twinPairs<T extends { scenario: RegisteredScenario }>(prepared: readonly T[]): TwinPair<T>[] {
  return prepared.flatMap((patched) => {
    if (patched.scenario.runtimeConfig === undefined) return [];
    const unpatched = prepared.find((entry) => entry.scenario.name === patched.scenario.baseline);
    return unpatched === undefined ? [] : [{ unpatched, patched }];
  });
}

/** The runs of twin round `round` (1-based): pair after pair, alternating which side goes first. */
export function twinRoundOrder<T>(pairs: readonly TwinPair<T>[], round: number): T[] {
  return pairs.flatMap(({ unpatched, patched }) => (round % 2 === 1 ? [unpatched, patched] : [patched, unpatched]));
}

/**
 * The rounds a scenario's row is computed from: its rounds of the whole sequence,
 * plus its twin rounds when it is a patched twin (its baseline's twin rounds then
 * line up with them, index for index). An unpatched scenario's own row keeps to the
 * whole-sequence rounds, so that its other comparisons pair round i with round i.
 */
export function roundsFor(
  scenario: Pick<RegisteredScenario, "name" | "baseline" | "runtimeConfig">,
  measured: ReadonlyMap<string, readonly Measurement[]>,
  twinMeasured: ReadonlyMap<string, readonly Measurement[]>,
): { own: Measurement[]; base: Measurement[] } {
  const own = measured.get(scenario.name);
  const base = measured.get(scenario.baseline);
  // selectScenarios always includes baselines, and every selected scenario was measured.
  if (own === undefined || base === undefined) throw new Error(`no measurement for ${scenario.name} or its baseline ${scenario.baseline}`);
  if (scenario.runtimeConfig === undefined) return { own: [...own], base: [...base] };
  const ownTwins = twinMeasured.get(scenario.name) ?? [];
  const baseTwins = twinMeasured.get(scenario.baseline) ?? [];
  if (ownTwins.length !== baseTwins.length)
    throw new Error(`${scenario.name} has ${ownTwins.length} twin rounds but ${scenario.baseline} has ${baseTwins.length}`);
  return { own: [...own, ...ownTwins], base: [...base, ...baseTwins] };
}
