/** QuotaCounter under concurrency: no overspend, idempotent replays, events exactly once per period. */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshCounter, ledgerCount, ok, requestIds, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

describe("QuotaCounter concurrency", () => {
  it("500 concurrent consumes of 1 against 100 remaining: exactly 100 succeed", async () => {
    const stub = freshCounter("storm-500");
    const policy = testPolicy({ daily: 100 });
    const results = await Promise.all(
      requestIds("c", 500).map((requestId) => stub.consume({ amount: 1, service: "chat", requestId }, policy)),
    );
    const decisions = results.map((result) => ok(result));
    expect(decisions.filter((decision) => decision.outcome === "ok")).toHaveLength(100);
    expect(decisions.filter((decision) => decision.outcome === "exhausted")).toHaveLength(400);
    expect(decisions.every((decision) => decision.outcome === "ok" || decision.outcome === "exhausted")).toBe(true);

    const quota = ok(await stub.getQuota({ quotaType: "daily" }, policy));
    expect(quota.usedQuota).toBe(quota.totalQuota);
    expect(quota.remainingQuota).toBe(0);
    expect(quota.status).toBe("exhausted");
    expect(await ledgerCount(stub, "consume")).toBe(100);
  });

  it("the same requestId 10 times concurrently is charged once and answered identically", async () => {
    const stub = freshCounter("replay-10");
    const policy = testPolicy({ daily: 100 });
    const results = (
      await Promise.all(Array.from({ length: 10 }, () => stub.consume({ amount: 7, service: "chat", model: "m1", requestId: "same-id" }, policy)))
    ).map((result) => ok(result));

    // The decision (everything but the replay flag, which the route turns into a header) is identical.
    const decisions = results.map(({ replayed: _replayed, ...decision }) => decision);
    for (const decision of decisions) expect(decision).toStrictEqual(decisions[0]);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: "ok", charged: 7 });

    const quota = ok(await stub.getQuota({}, policy));
    expect(quota.usedQuota).toBe(7);
    expect(await ledgerCount(stub, "consume")).toBe(1);
  });

  it("a requestId reused with different parameters is a duplicate and charges nothing", async () => {
    const stub = freshCounter("dup");
    const policy = testPolicy();
    ok(await stub.consume({ amount: 5, service: "chat", requestId: "r1" }, policy));
    const reuse = ok(await stub.consume({ amount: 6, service: "chat", requestId: "r1" }, policy));
    expect(reuse).toMatchObject({ outcome: "duplicate", charged: 0, transactionId: null });
    expect(reuse.quota.usedQuota).toBe(5);
  });

  it("a storm crossing 20% and 10% yields one warning and one critical; a reset re-arms them", async () => {
    const stub = freshCounter("levels");
    const policy = testPolicy({ daily: 100 });
    const storm = async (prefix: string) =>
      (await Promise.all(requestIds(prefix, 95).map((requestId) => stub.consume({ amount: 1, service: "chat", requestId }, policy)))).map(
        (result) => ok(result),
      );

    const first = await storm("a");
    const events = first.flatMap((result) => result.events);
    expect(events.map((event) => event.level).sort()).toEqual(["critical", "warning"]);
    expect(events.find((event) => event.level === "warning")).toMatchObject({ remainingQuota: 20, thresholdPercent: 20, previousLevel: "ok" });
    expect(events.find((event) => event.level === "critical")).toMatchObject({ remainingQuota: 10, thresholdPercent: 10, previousLevel: "warning" });
    expect(await sqlRows(stub, "SELECT level FROM notifications ORDER BY seq")).toEqual([{ level: "warning" }, { level: "critical" }]);

    // Move the boundary into the past, as if midnight passed, and let the alarm reset the day.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE quotas SET reset_at = ? WHERE quota_type = 'daily'", Date.now() - 1);
    });
    await evictDurableObject(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await ledgerCount(stub, "reset")).toBe(1);
    const reset = ok(await stub.getQuota({}, policy));
    expect(reset).toMatchObject({ usedQuota: 0, remainingQuota: 100, level: "ok" });

    const second = await storm("b");
    expect(second.flatMap((result) => result.events.map((event) => event.level)).sort()).toEqual(["critical", "warning"]);
    const notifications = ok(await stub.listNotifications({}));
    expect(notifications.total).toBe(4);
  });

  it("running out fires exhausted exactly once, and a recharge re-arms only the levels it lifts the quota above", async () => {
    const stub = freshCounter("exhaust");
    const policy = testPolicy({ daily: 10 });
    const results = (
      await Promise.all(requestIds("x", 20).map((requestId) => stub.consume({ amount: 1, service: "chat", requestId }, policy)))
    ).map((result) => ok(result));
    expect(results.flatMap((result) => result.events.map((event) => event.level))).toEqual(["warning", "critical", "exhausted"]);

    // 5 more of 15: remaining 5 = 33%, above every threshold, so all three re-arm.
    const recharged = ok(await stub.recharge({ quotaType: "daily", amount: 5, reason: "test", requestId: "rc1" }, policy));
    expect(recharged.quota).toMatchObject({ totalQuota: 15, remainingQuota: 5, level: "ok", status: "active" });
    const again = (
      await Promise.all(requestIds("y", 5).map((requestId) => stub.consume({ amount: 1, service: "chat", requestId }, policy)))
    ).map((result) => ok(result));
    expect(again.flatMap((result) => result.events.map((event) => event.level))).toEqual(["warning", "critical", "exhausted"]);
  });
});
