/** QuotaCounter rejects bad input with typed errors and charges nothing. */
import { describe, expect, it } from "vitest";
import type { ConsumeInput } from "../contract/quota/inputs";
import { freshCounter, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

/** Inputs a buggy or hostile caller could send; typed loosely on purpose, because RPC carries any structured-clone value. */
const badAmounts: Array<[string, unknown]> = [
  ["negative", -5],
  ["zero", 0],
  ["fractional", 1.5],
  ["huge", 1_000_000_001],
  ["unsafe integer", Number.MAX_SAFE_INTEGER + 2],
  ["infinite", Number.POSITIVE_INFINITY],
  ["NaN", Number.NaN],
  ["numeric string", "5"],
  ["null", null],
  ["object", { value: 5 }],
  ["missing", undefined],
];

async function expectNothingCharged(stub: ReturnType<typeof freshCounter>): Promise<void> {
  const ledger = await sqlRows(stub, "SELECT count(*) AS n FROM ledger WHERE type IN ('consume', 'reserve')");
  expect(ledger).toEqual([{ n: 0 }]);
  const used = await sqlRows(stub, "SELECT coalesce(sum(used + reserved), 0) AS n FROM quotas");
  expect(used).toEqual([{ n: 0 }]);
}

describe("QuotaCounter input validation", () => {
  it.each(badAmounts)("consume with a %s amount is invalid_argument naming `amount`", async (_label, amount) => {
    const stub = freshCounter("bad-amount");
    const result = await stub.consume({ amount, service: "chat", requestId: "r1" } as unknown as ConsumeInput, testPolicy());
    expect(result).toMatchObject({ error: { code: "invalid_argument", details: { amount: expect.any(String) } } });
    await expectNothingCharged(stub);
  });

  it("an unknown quota type, a missing or empty requestId, and a missing service are each named", async () => {
    const stub = freshCounter("bad-fields");
    const policy = testPolicy();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ quotaType: "weekly", amount: 1, service: "chat", requestId: "r1" }, "quotaType"],
      [{ amount: 1, service: "chat" }, "requestId"],
      [{ amount: 1, service: "chat", requestId: "" }, "requestId"],
      [{ amount: 1, service: "chat", requestId: "has space" }, "requestId"],
      [{ amount: 1, requestId: "r1" }, "service"],
    ];
    for (const [input, field] of cases) {
      const result = await stub.consume(input as unknown as ConsumeInput, policy);
      expect(result, JSON.stringify(input)).toMatchObject({ error: { code: "invalid_argument", details: { [field]: expect.any(String) } } });
    }
    await expectNothingCharged(stub);
  });

  it("reserve, commit, recharge and setTotal validate too", async () => {
    const stub = freshCounter("bad-others");
    const policy = testPolicy();
    expect(await stub.reserve({ amount: -1, service: "chat", requestId: "r" }, policy)).toMatchObject({ error: { details: { amount: expect.any(String) } } });
    expect(await stub.reserve({ amount: 1, ttlSeconds: 999_999, service: "chat", requestId: "r" }, policy)).toMatchObject({
      error: { code: "invalid_argument", details: { ttlSeconds: expect.any(String) } },
    });
    expect(await stub.commit({ reservationId: "not-a-uuid", actual: 1 }, policy)).toMatchObject({ error: { details: { reservationId: expect.any(String) } } });
    expect(await stub.commit({ reservationId: crypto.randomUUID(), actual: -1 }, policy)).toMatchObject({ error: { details: { actual: expect.any(String) } } });
    expect(await stub.commit({ reservationId: crypto.randomUUID(), actual: 1 }, policy)).toMatchObject({ error: { code: "not_found" } });
    expect(await stub.recharge({ quotaType: "daily", amount: 0, reason: "x", requestId: "r" }, policy)).toMatchObject({ error: { details: { amount: expect.any(String) } } });
    expect(await stub.setTotal({ quotaType: "daily", totalQuota: 0 }, policy)).toMatchObject({ error: { details: { totalQuota: expect.any(String) } } });
    await expectNothingCharged(stub);
  });

  it("an invalid policy is rejected with fields under `policy.`", async () => {
    const stub = freshCounter("bad-policy");
    const policy = testPolicy({}, { timeZone: "Mars/Olympus_Mons", thresholds: { warningPercent: 10, criticalPercent: 20 } });
    const result = await stub.consume({ amount: 1, service: "chat", requestId: "r1" }, policy);
    expect(result).toMatchObject({
      error: { code: "invalid_argument", details: { "policy.timeZone": expect.any(String) } },
    });
    const swapped = await stub.consume({ amount: 1, service: "chat", requestId: "r1" }, testPolicy({}, { thresholds: { warningPercent: 10, criticalPercent: 20 } }));
    expect(swapped).toMatchObject({ error: { details: { "policy.thresholds.criticalPercent": expect.any(String) } } });
    await expectNothingCharged(stub);
  });

  it("a valid consume after rejected ones still works", async () => {
    const stub = freshCounter("after-bad");
    const policy = testPolicy();
    await stub.consume({ amount: -1, service: "chat", requestId: "r1" }, policy);
    const result = ok(await stub.consume({ amount: 3, service: "chat", requestId: "r1" }, policy));
    expect(result).toMatchObject({ outcome: "ok", charged: 3 });
  });
});
