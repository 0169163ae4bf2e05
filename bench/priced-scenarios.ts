/**
 * A priced consume (issue 20): the AI service sends `{model, inputTokens,
 * outputTokens}` and the QuotaCounter turns them into credits with the price
 * table that travels inside the policy. It must cost at most 1.05× a plain
 * consume in the same run. The price table is a runtime-config patch, so the
 * pair also runs in the twin rounds, side by side, like the metrics-off pairs.
 */
import { internalPost } from "./internal.ts";
import { QUOTA_OBJECTS, wakeQuotaObjects, warmQuotaUsers } from "./quota-fixtures.ts";
import { defineScenario, OBJECTS_WARMUP_S, roundRobin, type BenchRequest } from "./scenario.ts";
import type { BenchUser } from "./fixtures.ts";

const BENCH_MODEL = "bench-model";

/** A decimal price, so the exact arithmetic path runs: 1,000 input tokens at 0.5 + 250 output tokens at 2 = 1 credit, as the plain consume charges. */
const PRICE_TABLE = { quota: { pricing: { models: { [BENCH_MODEL]: { inputPer1k: "0.5", outputPer1k: 2 } } } } };

const consumePriced = (users: readonly BenchUser[]): BenchRequest[] =>
  roundRobin(users, (user) =>
    internalPost(`/api/v1/internal/quota/${user.id}/consume`, { model: BENCH_MODEL, inputTokens: 1_000, outputTokens: 250, service: "bench", requestId: crypto.randomUUID() }),
  );

export const PRICED_CONSUME = defineScenario({
  name: "quota-consume-priced",
  description:
    "POST /api/v1/internal/quota/{userId}/consume with {model, inputTokens, outputTokens} priced by the runtime config's table (1 credit a call, as quota-consume), 1,000 users round-robin; ≥ 1/1.05× the plain consume",
  baseline: "quota-consume",
  runtimeConfig: PRICE_TABLE,
  targets: { minThroughputRatio: 1 / 1.05 },
  setup: warmQuotaUsers,
  objects: QUOTA_OBJECTS,
  beforeRun: wakeQuotaObjects,
  minWarmupS: OBJECTS_WARMUP_S,
  requests: (_ctx, users) => consumePriced(users),
});

