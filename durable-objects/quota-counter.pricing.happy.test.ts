/** Per-model pricing: exact credits, rounding up per call, price versions on reservations and replays, no overspend. */
import { describe, expect, it } from "vitest";
import type { QuotaPricingConfig } from "../contract/quota/pricing";
import { freshCounter, ledgerCount, ok, requestIds, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

const TABLE: QuotaPricingConfig = {
  models: {
    cheap: { inputPer1k: "0.5", outputPer1k: "1.5" },
    big: { inputPer1k: 30, outputPer1k: 60 },
    tiny: { inputPer1k: "0.000001", outputPer1k: 0 },
    free: { inputPer1k: 0, outputPer1k: 0 },
    three: { inputPer1k: 3, outputPer1k: 3 },
  },
  defaultPrice: { inputPer1k: 2, outputPer1k: "0.25" },
  unknownModels: "default",
};
const priced = (totals: Parameters<typeof testPolicy>[0], pricing: Partial<QuotaPricingConfig> = TABLE) => testPolicy(totals, { pricing });

describe("QuotaCounter per-model pricing", () => {
  it.each([
    ["cheap", 1_000, 1_000, 2],
    ["cheap", 2_000, 0, 1],
    ["cheap", 2_001, 0, 2],
    ["cheap", 1, 0, 1],
    ["cheap", 0, 1, 1],
    ["cheap", 999, 1_001, 3],
    ["big", 1, 1, 1],
    ["big", 1_000, 1_000, 90],
    ["big", 1_000, 1_001, 91],
    ["tiny", 1_000_000_000, 0, 1],
    ["tiny", 999_999_999, 0, 1],
    ["tiny", 1, 0, 1],
    ["free", 500, 500, 0],
    ["unlisted", 1_500, 4_000, 4],
    ["unlisted", 1_500, 4_001, 5],
  ])("%s with %i input and %i output tokens costs exactly %i credits", async (model, inputTokens, outputTokens, credits) => {
    const stub = freshCounter("price-table");
    const policy = priced({ daily: 1_000_000 });
    const result = ok(await stub.consume({ model, inputTokens, outputTokens, service: "chat", requestId: "c1" }, policy));
    expect(result).toMatchObject({ outcome: "ok", amount: credits, charged: credits });
    expect(result.priced).toEqual({ model, inputTokens, outputTokens, priceVersion: policy.pricing.version, credits });
    expect(result.quota.usedQuota).toBe(credits);
    const [row] = await sqlRows<{ amount: number; model: string; input_tokens: number; output_tokens: number; price_version: string }>(
      stub,
      "SELECT amount, model, input_tokens, output_tokens, price_version FROM ledger WHERE type = 'consume'",
    );
    expect(row).toEqual({ amount: credits, model, input_tokens: inputTokens, output_tokens: outputTokens, price_version: policy.pricing.version });
  });

  it("a plain amount keeps working and its ledger row has no tokens or price version", async () => {
    const stub = freshCounter("price-plain");
    const policy = priced({ daily: 100 });
    expect(ok(await stub.consume({ amount: 7, service: "chat", model: "big", requestId: "c1" }, policy))).toMatchObject({ charged: 7, priced: null });
    const { items } = ok(await stub.listTransactions({}, policy));
    expect(items[0]).toMatchObject({ amount: 7, model: "big", inputTokens: null, outputTokens: null, priceVersion: null });
  });

  it("the version names the table: the same prices give the same version, any change a new one", () => {
    const again = priced({}, { models: { ...TABLE.models }, defaultPrice: TABLE.defaultPrice });
    expect(again.pricing.version).toBe(priced({}).pricing.version);
    expect(priced({}, { ...TABLE, models: { ...TABLE.models, cheap: { inputPer1k: "0.5", outputPer1k: "1.6" } } }).pricing.version).not.toBe(again.pricing.version);
    expect(priced({}, { ...TABLE, models: { ...TABLE.models, cheap: { inputPer1k: "0.50", outputPer1k: 1.5 } } }).pricing.version).toBe(again.pricing.version);
  });

  it("a reservation keeps its price version: the commit is charged at it after a price change", async () => {
    const stub = freshCounter("price-reservation");
    const before = priced({ daily: 10_000 });
    const after = priced({ daily: 10_000 }, { ...TABLE, models: { ...TABLE.models, big: { inputPer1k: 300, outputPer1k: 600 } } });
    const reserved = ok(await stub.reserve({ model: "big", inputTokens: 1_000, outputTokens: 1_000, service: "chat", requestId: "r1" }, before));
    expect(reserved).toMatchObject({ outcome: "ok", amount: 90, reservation: { amount: 90, priceVersion: before.pricing.version } });
    expect(ok(await stub.consume({ model: "big", inputTokens: 1_000, outputTokens: 1_000, service: "chat", requestId: "c1" }, after))).toMatchObject({
      charged: 900,
      priced: { priceVersion: after.pricing.version },
    });
    const reservationId = reserved.reservation?.id ?? "";
    const committed = ok(await stub.commit({ reservationId, inputTokens: 2_000, outputTokens: 500 }, after));
    expect(committed).toMatchObject({ charged: 90, overage: 0, priced: { model: "big", inputTokens: 2_000, outputTokens: 500, credits: 90, priceVersion: before.pricing.version } });
    expect(committed.quota).toMatchObject({ usedQuota: 990, reservedQuota: 0 });
    expect(ok(await stub.commit({ reservationId, inputTokens: 2_000, outputTokens: 500 }, after))).toMatchObject({ replayed: true, charged: 90 });
    const [row] = await sqlRows<{ amount: number; price_version: string; input_tokens: number }>(stub, "SELECT amount, price_version, input_tokens FROM ledger WHERE type = 'commit'");
    expect(row).toEqual({ amount: 90, price_version: before.pricing.version, input_tokens: 2_000 });
  });

  it("a priced commit on an amount reservation, or with another model, is refused; an actual on a priced one is credits", async () => {
    const stub = freshCounter("price-commit-forms");
    const policy = priced({ daily: 10_000 });
    const plain = ok(await stub.reserve({ amount: 10, service: "chat", requestId: "r1" }, policy)).reservation?.id ?? "";
    expect(await stub.commit({ reservationId: plain, inputTokens: 1, outputTokens: 1 }, policy)).toMatchObject({ error: { code: "invalid_argument", details: { inputTokens: expect.any(String) } } });
    const pricedId = ok(await stub.reserve({ model: "cheap", inputTokens: 1_000, outputTokens: 1_000, service: "chat", requestId: "r2" }, policy)).reservation?.id ?? "";
    expect(await stub.commit({ reservationId: pricedId, model: "big", inputTokens: 1, outputTokens: 1 }, policy)).toMatchObject({ error: { details: { model: expect.any(String) } } });
    expect(ok(await stub.commit({ reservationId: pricedId, actual: 1 }, policy))).toMatchObject({ charged: 1, priced: null });
  });

  it("a replay is charged once, at the first call's price version, even after the table changed", async () => {
    const stub = freshCounter("price-replay");
    const first = priced({ daily: 10_000 });
    const changed = priced({ daily: 10_000 }, { ...TABLE, models: { ...TABLE.models, cheap: { inputPer1k: 50, outputPer1k: 50 } } });
    const call = { model: "cheap", inputTokens: 1_000, outputTokens: 1_000, service: "chat", requestId: "same" };
    const original = ok(await stub.consume(call, first));
    const replays = await Promise.all(Array.from({ length: 5 }, () => stub.consume(call, changed)));
    for (const replay of replays) expect(ok(replay)).toEqual({ ...original, replayed: true });
    expect(original).toMatchObject({ charged: 2, priced: { priceVersion: first.pricing.version } });
    expect(await stub.consume({ ...call, outputTokens: 1_001 }, changed)).toMatchObject({ outcome: "duplicate", charged: 0 });
    expect(ok(await stub.getQuota({}, changed)).usedQuota).toBe(2);
    expect(await ledgerCount(stub, "consume")).toBe(1);
  });

  it("500 concurrent priced consumes on a small quota never go over", async () => {
    const stub = freshCounter("price-storm");
    const policy = priced({ daily: 100 });
    const results = await Promise.all(
      requestIds("p", 500).map((requestId) => stub.consume({ model: "three", inputTokens: 600, outputTokens: 400, service: "chat", requestId }, policy)),
    );
    const decisions = results.map((result) => ok(result));
    expect(decisions.filter((decision) => decision.outcome === "ok")).toHaveLength(33);
    expect(decisions.filter((decision) => decision.outcome === "insufficient")).toHaveLength(467);
    const quota = ok(await stub.getQuota({}, policy));
    expect(quota).toMatchObject({ usedQuota: 99, remainingQuota: 1 });
    expect(await ledgerCount(stub, "consume")).toBe(33);
  });

  it("statistics report credits and tokens by model", async () => {
    const stub = freshCounter("price-stats");
    const policy = priced({ daily: 10_000 });
    ok(await stub.consume({ model: "cheap", inputTokens: 1_000, outputTokens: 1_000, service: "chat", requestId: "c1" }, policy));
    ok(await stub.consume({ model: "cheap", inputTokens: 3_000, outputTokens: 0, service: "edit", requestId: "c2" }, policy));
    ok(await stub.consume({ amount: 5, model: "big", service: "chat", requestId: "c3" }, policy));
    const stats = ok(await stub.getStatistics(policy));
    expect(stats.quotaByModel).toEqual({ cheap: 4, big: 5 });
    expect(stats.usageByModel).toEqual({ cheap: { credits: 4, inputTokens: 4_000, outputTokens: 1_000 }, big: { credits: 5, inputTokens: 0, outputTokens: 0 } });
    expect(stats.quotaByService).toEqual({ chat: 7, edit: 2 });
  });
});
