/** Per-model pricing refusals: one form only, unknown models when the table has no default, prices that are not exact. */
import { describe, expect, it } from "vitest";
import { QuotaPricingConfigSchema } from "../contract/quota/pricing";
import { freshCounter, ledgerCount, ok, testPolicy } from "../test/workerd/quota-counter-object";

describe("QuotaCounter per-model pricing (error)", () => {
  it.each([
    ["both forms", { amount: 5, model: "m", inputTokens: 1, outputTokens: 1 }, "amount"],
    ["neither form", {}, "amount"],
    ["tokens without a model", { inputTokens: 1, outputTokens: 1 }, "model"],
    ["input without output", { model: "m", inputTokens: 1 }, "outputTokens"],
    ["no tokens at all", { model: "m", inputTokens: 0, outputTokens: 0 }, "inputTokens"],
    ["fractional tokens", { model: "m", inputTokens: 1.5, outputTokens: 1 }, "inputTokens"],
  ])("%s → invalid_argument naming %s, nothing charged", async (_name, form, field) => {
    const stub = freshCounter("price-forms");
    const policy = testPolicy({ daily: 100 });
    const result = await stub.consume({ service: "chat", requestId: "c1", ...form }, policy);
    expect(result).toMatchObject({ error: { code: "invalid_argument", details: { [field]: expect.any(String) } } });
    expect(await stub.reserve({ service: "chat", requestId: "r1", ...form }, policy)).toMatchObject({ error: { code: "invalid_argument" } });
    expect(ok(await stub.getQuota({}, policy)).usedQuota).toBe(0);
  });

  it("a commit with both actual and tokens, or neither, is refused", async () => {
    const stub = freshCounter("price-commit-refused");
    const policy = testPolicy({ daily: 100 });
    const reservationId = crypto.randomUUID();
    expect(await stub.commit({ reservationId, actual: 1, inputTokens: 1, outputTokens: 1 }, policy)).toMatchObject({ error: { details: { actual: expect.any(String) } } });
    expect(await stub.commit({ reservationId }, policy)).toMatchObject({ error: { details: { actual: expect.any(String) } } });
  });

  it("a model the table does not list is refused with unknown_model when there is no default price", async () => {
    const stub = freshCounter("price-unknown");
    const policy = testPolicy({ daily: 100 }, { pricing: { models: { known: { inputPer1k: 1, outputPer1k: 1 } }, unknownModels: "refuse" } });
    const call = { model: "mystery", inputTokens: 10, outputTokens: 10, service: "chat" };
    expect(await stub.consume({ ...call, requestId: "c1" }, policy)).toMatchObject({ error: { code: "unknown_model", details: { model: expect.any(String) } } });
    expect(await stub.reserve({ ...call, requestId: "r1" }, policy)).toMatchObject({ error: { code: "unknown_model" } });
    expect(ok(await stub.consume({ ...call, model: "known", requestId: "c2" }, policy))).toMatchObject({ outcome: "ok", charged: 1 });
    expect(await ledgerCount(stub, "consume")).toBe(1);
  });

  it("a call costing more than one request may move is refused", async () => {
    const stub = freshCounter("price-huge");
    const policy = testPolicy({ daily: 100 }, { pricing: { models: { gold: { inputPer1k: 1_000_000, outputPer1k: 0 } } } });
    expect(await stub.consume({ model: "gold", inputTokens: 1_000_000_000, outputTokens: 0, service: "chat", requestId: "c1" }, policy)).toMatchObject({
      error: { code: "invalid_argument", details: { inputTokens: expect.any(String) } },
    });
  });

  it.each([["0.0000001"], [-1], ["1e3"], ["1,5"], [1_000_001], ["abc"]])("the runtime config refuses the price %s", (price) => {
    const parsed = QuotaPricingConfigSchema.safeParse({ models: { m: { inputPer1k: price, outputPer1k: 1 } } });
    expect(parsed.success).toBe(false);
  });
});
