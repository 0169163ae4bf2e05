/** Monthly rollover across month boundaries in the policy's time zone (Asia/Shanghai), under a controlled clock. */
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { freshCounter, ledgerCount, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

// Month starts at Shanghai midnight (UTC+8): 2027-01-01 00:00 there is 2026-12-31T16:00Z.
const DEC_15 = Date.parse("2026-12-15T04:00:00.000Z");
const JAN_1 = Date.parse("2026-12-31T16:00:00.000Z");
const FEB_1 = Date.parse("2027-01-31T16:00:00.000Z");
const MAR_10 = Date.parse("2027-03-10T04:00:00.000Z");
const rolling = (percent: number, cap: number) => testPolicy({ daily: 100_000, monthly: 1_000 }, { rollover: { reader: { percent, cap } } });
const spend = (amount: number, requestId: string) => ({ quotaType: "monthly" as const, amount, service: "chat", requestId });

describe("QuotaCounter monthly rollover", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(DEC_15);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("half the unused plan rolls into the next month at its local midnight, with a rollover ledger row", async () => {
    const stub = freshCounter("rollover-basic");
    const policy = rolling(50, 10_000);
    ok(await stub.consume(spend(200, "dec-1"), policy));
    vi.setSystemTime(JAN_1 - 1);
    expect(ok(await stub.getQuota({ quotaType: "monthly" }, policy))).toMatchObject({ totalQuota: 1_000, usedQuota: 200, rolledQuota: 0 });
    vi.setSystemTime(JAN_1);
    const january = ok(await stub.getQuota({ quotaType: "monthly" }, policy));
    expect(january).toMatchObject({ totalQuota: 1_400, usedQuota: 0, remainingQuota: 1_400, rolledQuota: 400, resetAt: new Date(FEB_1).toISOString() });
    const [row] = await sqlRows<{ amount: number; before_balance: number; after_balance: number; description: string }>(
      stub,
      "SELECT amount, before_balance, after_balance, description FROM ledger WHERE type = 'rollover'",
    );
    expect(row).toMatchObject({ amount: 400, before_balance: 1_000, after_balance: 1_400 });
    expect(row?.description).toContain(new Date(FEB_1).toISOString());
    expect(await ledgerCount(stub, "reset")).toBe(1);
  });

  it("rolled credits are spent first and expire at the end of the next month; only the plan's unused share rolls again", async () => {
    const stub = freshCounter("rollover-spent-first");
    const policy = rolling(50, 10_000);
    ok(await stub.consume(spend(200, "dec-1"), policy));
    vi.setSystemTime(JAN_1 + 60_000);
    // 600 in January: the 400 rolled first, then 200 of the plan, so 800 of the plan is unused.
    ok(await stub.consume(spend(600, "jan-1"), policy));
    vi.setSystemTime(FEB_1);
    // January's 400 expired (not 1,800 total); February gets 50 % of 800.
    expect(ok(await stub.getQuota({ quotaType: "monthly" }, policy))).toMatchObject({ totalQuota: 1_400, usedQuota: 0, rolledQuota: 400 });
    const resets = await sqlRows<{ description: string }>(stub, "SELECT description FROM ledger WHERE type = 'reset' ORDER BY seq");
    expect(resets[1]?.description).toContain("400 rolled-over credits expired");
  });

  it("the cap holds, off by default rolls nothing, and a skipped month rolls nothing", async () => {
    const capped = freshCounter("rollover-cap");
    ok(await capped.consume(spend(100, "dec-1"), rolling(50, 150)));
    vi.setSystemTime(JAN_1);
    expect(ok(await capped.getQuota({ quotaType: "monthly" }, rolling(50, 150))).rolledQuota).toBe(150);

    vi.setSystemTime(DEC_15);
    const off = freshCounter("rollover-off");
    const plain = testPolicy({ daily: 100_000, monthly: 1_000 });
    ok(await off.consume(spend(100, "dec-1"), plain));
    vi.setSystemTime(JAN_1);
    expect(ok(await off.getQuota({ quotaType: "monthly" }, plain))).toMatchObject({ totalQuota: 1_000, rolledQuota: 0 });
    expect(await ledgerCount(off, "rollover")).toBe(0);

    vi.setSystemTime(DEC_15);
    const idle = freshCounter("rollover-skipped");
    ok(await idle.consume(spend(100, "dec-1"), rolling(50, 10_000)));
    vi.setSystemTime(MAR_10);
    expect(ok(await idle.getQuota({ quotaType: "monthly" }, rolling(50, 10_000)))).toMatchObject({ totalQuota: 1_000, rolledQuota: 0 });
  });

  it("levels fire exactly once per period with rollover, against the rolled-up total", async () => {
    const stub = freshCounter("rollover-levels");
    const policy = rolling(100, 10_000);
    ok(await stub.consume(spend(500, "dec-1"), policy));
    vi.setSystemTime(JAN_1);
    // January's total is 1,500: warning at ≤ 300 left, critical at ≤ 150.
    expect(ok(await stub.consume(spend(1_195, "jan-1"), policy)).events).toEqual([]);
    const warned = ok(await stub.consume(spend(10, "jan-2"), policy));
    expect(warned.events.map((event) => event.level)).toEqual(["warning"]);
    expect(warned.events[0]?.totalQuota).toBe(1_500);
    expect(ok(await stub.consume(spend(10, "jan-3"), policy)).events).toEqual([]);
    const [count] = await sqlRows<{ n: number }>(stub, "SELECT count(*) AS n FROM notifications WHERE quota_type = 'monthly' AND level = 'warning'");
    expect(count?.n).toBe(1);
  });

  it("the alarm's reset and later reads roll over exactly once", async () => {
    const stub = freshCounter("rollover-alarm");
    const policy = rolling(50, 10_000);
    ok(await stub.consume(spend(200, "dec-1"), policy));
    vi.setSystemTime(JAN_1 + 1_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    for (let read = 0; read < 3; read++) expect(ok(await stub.getQuota({ quotaType: "monthly" }, policy)).rolledQuota).toBe(400);
    expect(await ledgerCount(stub, "rollover")).toBe(1);
  });
});
