/** The bench's run plan: round order, twin rounds, and where a run waits for another group's objects to close. */
import { describe, expect, it } from "vitest";
import { planRuns, plannedSeconds } from "../../bench/plan.ts";
import { defineScenario } from "../../bench/scenario.ts";

const scenario = (name: string, more: { baseline?: string; paused?: boolean; objects?: string; minWarmupS?: number } = {}) => ({
  scenario: defineScenario({
    name,
    description: name,
    baseline: more.baseline,
    runtimeConfig: more.paused ? { metrics: { recording: false } } : undefined,
    objects: more.objects,
    minWarmupS: more.minWarmupS,
    requests: () => [{ method: "GET", path: "/" }],
  }),
});

const prepared = [
  scenario("noop"),
  scenario("noop-metrics-off", { paused: true }),
  scenario("auth-noop"),
  scenario("floor", { objects: "quota-users", minWarmupS: 6 }),
  scenario("consume", { baseline: "floor", objects: "quota-users", minWarmupS: 6 }),
  scenario("consume-metrics-off", { baseline: "consume", paused: true, objects: "quota-users", minWarmupS: 6 }),
  scenario("login"),
];

describe("bench run plan (happy)", () => {
  it("whole-sequence rounds alternate direction, then twin rounds of the pairs only; twin rounds number on from the last round", () => {
    const plan = planRuns(prepared, 2, 2);
    const line = plan.map((run) => `${run.label}${run.entry.scenario.name}`);
    expect(line.slice(0, 7)).toEqual(prepared.map((entry) => `round 1/2 ${entry.scenario.name}`));
    expect(line.slice(7, 14)).toEqual([...prepared].reverse().map((entry) => `round 2/2 ${entry.scenario.name}`));
    expect(line.slice(14)).toEqual([
      "twin round 1/2 noop",
      "twin round 1/2 noop-metrics-off",
      "twin round 1/2 consume",
      "twin round 1/2 consume-metrics-off",
      "twin round 2/2 noop-metrics-off",
      "twin round 2/2 noop",
      "twin round 2/2 consume-metrics-off",
      "twin round 2/2 consume",
    ]);
    expect(plan.filter((run) => run.twin).map((run) => run.round)).toEqual([3, 3, 3, 3, 4, 4, 4, 4]);
    expect(plan.filter((run) => !run.twin)).toHaveLength(14);
  });

  it("a run waits for objects to close only right after a run of another object group", () => {
    const plan = planRuns(prepared, 2, 2);
    const waits = plan.flatMap((run, index) => (run.waitForObjects ? [`${plan[index - 1]?.entry.scenario.name} → ${run.entry.scenario.name}`] : []));
    expect(waits).toEqual([
      "consume-metrics-off → login", // round 1
      "floor → auth-noop", // round 2, backwards
      "consume-metrics-off → noop-metrics-off", // twin round 2 starts after twin round 1's consume pair
    ]);
  });

  it("the estimate counts warm-ups, measured seconds, the patch's second pause and every wait for objects", () => {
    const plan = planRuns(prepared, 1, 0);
    // 7 runs: warm-ups 2+2+2+6+6+6+2 = 26, measured 7 × 8 = 56, pauses 3 × 9 = 27 (the two patched runs pause twice), one wait of 12.
    expect(plannedSeconds(plan, { warmupS: 2, durationS: 8 }, { settleS: 3, objectsClosedS: 12 })).toBe(26 + 56 + 27 + 12);
  });

  it("with a single round and no pairs, labels are empty and nothing is a twin", () => {
    const plan = planRuns([scenario("noop"), scenario("health")], 1, 6);
    expect(plan.map((run) => [run.label, run.twin, run.waitForObjects])).toEqual([
      ["", false, false],
      ["", false, false],
    ]);
  });
});
