/** The bench's twin rounds: which scenarios get them, in what order, and which rounds each row is computed from. */
import { describe, expect, it } from "vitest";
import { compare, type Measurement } from "../../bench/report.ts";
import { defineScenario, type RegisteredScenario } from "../../bench/scenario.ts";
import { readSettings } from "../../bench/settings.ts";
import { roundsFor, twinPairs, twinRoundOrder } from "../../bench/twins.ts";

const scenario = (name: string, more: { baseline?: string; paused?: boolean } = {}): RegisteredScenario =>
  defineScenario({
    name,
    description: name,
    baseline: more.baseline,
    runtimeConfig: more.paused ? { metrics: { recording: false } } : undefined,
    requests: () => [{ method: "GET", path: "/" }],
  });
const run = (reqPerSec: number, cpuUsPerRequest?: number): Measurement => ({
  reqPerSec,
  p50Ms: 10,
  p99Ms: 20,
  requests: reqPerSec * 8,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  ...(cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest }),
});

const prepared = [
  scenario("noop"),
  scenario("noop-metrics-off", { paused: true }),
  scenario("auth-noop"),
  scenario("consume", { baseline: "floor" }),
  scenario("consume-metrics-off", { baseline: "consume", paused: true }),
  scenario("floor"),
].map((entry) => ({ scenario: entry }));
const names = (entries: ReadonlyArray<{ scenario: RegisteredScenario }>) => entries.map((entry) => entry.scenario.name);

describe("bench twin rounds (happy)", () => {
  it("pairs every patched scenario with the unpatched scenario it is compared with, and nothing else", () => {
    const pairs = twinPairs(prepared);
    expect(pairs.map(({ unpatched, patched }) => [unpatched.scenario.name, patched.scenario.name])).toEqual([
      ["noop", "noop-metrics-off"],
      ["consume", "consume-metrics-off"],
    ]);
  });

  it("runs each pair back to back and alternates which side goes first", () => {
    const pairs = twinPairs(prepared);
    expect(names(twinRoundOrder(pairs, 1))).toEqual(["noop", "noop-metrics-off", "consume", "consume-metrics-off"]);
    expect(names(twinRoundOrder(pairs, 2))).toEqual(["noop-metrics-off", "noop", "consume-metrics-off", "consume"]);
    expect(names(twinRoundOrder(pairs, 3))).toEqual(names(twinRoundOrder(pairs, 1)));
  });

  it("a patched twin's row uses its twin rounds against its baseline's, index for index; every other row only the whole-sequence rounds", () => {
    const measured = new Map([
      ["consume", [run(400, 3000), run(380, 3100)]],
      ["consume-metrics-off", [run(420, 2900), run(380, 3100)]],
      ["floor", [run(650), run(640)]],
    ]);
    const twinMeasured = new Map([
      ["consume", [run(400, 3000), run(500, 2500), run(300, 4000)]],
      ["consume-metrics-off", [run(400, 3000), run(510, 2450), run(303, 4000)]],
    ]);
    const off = roundsFor(scenario("consume-metrics-off", { baseline: "consume", paused: true }), measured, twinMeasured);
    expect(off.own.map((m) => m.reqPerSec)).toEqual([420, 380, 400, 510, 303]);
    expect(off.base.map((m) => m.reqPerSec)).toEqual([400, 380, 400, 500, 300]);
    // Per-round ratios 1.05, 1, 1, 1.02, 1.01: the median is the middle one, and the range spans all five rounds.
    const report = compare(
      { name: "consume-metrics-off", description: "d", baseline: "consume", targets: { maxThroughputRatio: 1 / 0.95 } },
      off.own,
      off.base,
    );
    expect(report.throughputRatio).toBe(1.01);
    expect(report.ratioRange?.throughput).toEqual([1, 1.05]);
    expect(report.rounds).toHaveLength(5);
    expect(report.targetResults?.[0]?.pass).toBe(true);

    const consume = roundsFor(scenario("consume", { baseline: "floor" }), measured, twinMeasured);
    expect(consume.own.map((m) => m.reqPerSec)).toEqual([400, 380]);
    expect(consume.base.map((m) => m.reqPerSec)).toEqual([650, 640]);
  });

  it("refuses twin rounds that do not line up, rather than pair round i with another moment's round", () => {
    const measured = new Map([
      ["consume", [run(400)]],
      ["consume-metrics-off", [run(420)]],
    ]);
    const twinMeasured = new Map([
      ["consume", [run(400), run(410)]],
      ["consume-metrics-off", [run(420)]],
    ]);
    expect(() => roundsFor(scenario("consume-metrics-off", { baseline: "consume", paused: true }), measured, twinMeasured)).toThrow(/twin rounds/);
  });

  it("BENCH_TWIN_ROUNDS defaults to 6, accepts 0 and rejects what is not a small whole number", () => {
    expect(readSettings({}).twinRounds).toBe(6);
    expect(readSettings({ BENCH_TWIN_ROUNDS: "0" }).twinRounds).toBe(0);
    expect(() => readSettings({ BENCH_TWIN_ROUNDS: "2.5" })).toThrow(/BENCH_TWIN_ROUNDS must be a whole number, 0-20/);
    expect(() => readSettings({ BENCH_TWIN_ROUNDS: "21" })).toThrow(/BENCH_TWIN_ROUNDS/);
  });
});
