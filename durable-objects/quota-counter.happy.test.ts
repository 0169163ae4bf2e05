/** QuotaCounter's ordinary life: lazy creation, decisions, admin operations, reads, inbox. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resolveQuotaPolicy } from "../contract/quota/policy";
import { freshCounter, ok, testPolicy } from "../test/workerd/quota-counter-object";

describe("QuotaCounter (happy)", () => {
  it("ping answers", async () => {
    const stub = freshCounter("ping");
    expect(await stub.ping()).toMatchObject({ ok: true });
  });

  it("creates all three quotas with the role's plan on first touch", async () => {
    const userId = `lazy-${crypto.randomUUID()}`;
    const stub = env.QUOTA_COUNTER.getByName(userId);
    const { quotas } = ok(await stub.getAllQuotas(resolveQuotaPolicy("writer")));
    expect(quotas.map((quota) => [quota.quotaType, quota.totalQuota, quota.remainingQuota])).toEqual([
      ["daily", 50_000, 50_000],
      ["monthly", 1_000_000, 1_000_000],
      ["total", 5_000_000, 5_000_000],
    ]);
    for (const quota of quotas) {
      expect(quota).toMatchObject({ userId, usedQuota: 0, reservedQuota: 0, status: "active", level: "ok", unlimited: false });
    }
    expect(quotas[0]?.resetAt).not.toBeNull();
    expect(quotas[2]?.resetAt).toBeNull();
  });

  it("master is unlimited and reports -1, as the Go service did", async () => {
    const stub = freshCounter("master");
    const policy = resolveQuotaPolicy("master");
    const result = ok(await stub.consume({ amount: 1_000_000, service: "chat", requestId: "m1" }, policy));
    expect(result).toMatchObject({ outcome: "ok", charged: 1_000_000 });
    expect(result.quota).toMatchObject({ totalQuota: -1, remainingQuota: -1, unlimited: true, level: "ok", usedQuota: 1_000_000 });
  });

  it("consume reports insufficient (with what remains) and exhausted distinctly", async () => {
    const stub = freshCounter("decline");
    const policy = testPolicy({ daily: 10 });
    ok(await stub.consume({ amount: 8, service: "chat", requestId: "a" }, policy));
    const insufficient = ok(await stub.consume({ amount: 5, service: "chat", requestId: "b" }, policy));
    expect(insufficient).toMatchObject({ outcome: "insufficient", charged: 0, transactionId: null });
    expect(insufficient.quota).toMatchObject({ remainingQuota: 2, usedQuota: 8 });
    expect(Date.parse(insufficient.quota.resetAt ?? "")).toBeGreaterThan(Date.now());
    ok(await stub.consume({ amount: 2, service: "chat", requestId: "c" }, policy));
    expect(ok(await stub.consume({ amount: 1, service: "chat", requestId: "d" }, policy)).outcome).toBe("exhausted");
  });

  it("consume on monthly or total charges only that type", async () => {
    const stub = freshCounter("types");
    const policy = testPolicy();
    ok(await stub.consume({ quotaType: "total", amount: 40, service: "chat", requestId: "t" }, policy));
    const { quotas } = ok(await stub.getAllQuotas(policy));
    expect(quotas.map((quota) => quota.usedQuota)).toEqual([0, 0, 40]);
  });

  it("suspension sticks until activate, and answers suspended", async () => {
    const stub = freshCounter("suspend");
    const policy = testPolicy();
    const suspended = ok(await stub.suspend({ reason: "abuse" }, policy));
    expect(suspended.quotas.every((quota) => quota.status === "suspended")).toBe(true);
    expect(ok(await stub.consume({ amount: 1, service: "chat", requestId: "s1" }, policy)).outcome).toBe("suspended");
    // A plan change does not lift it.
    const upgraded = testPolicy({ daily: 500 });
    expect(ok(await stub.getQuota({}, upgraded))).toMatchObject({ status: "suspended", totalQuota: 500 });
    ok(await stub.activate({}, upgraded));
    expect(ok(await stub.consume({ amount: 1, service: "chat", requestId: "s2" }, upgraded)).outcome).toBe("ok");
  });

  it("setTotal pins the total against later plan changes; recharge is idempotent", async () => {
    const stub = freshCounter("admin");
    const policy = testPolicy();
    expect(ok(await stub.setTotal({ quotaType: "daily", totalQuota: 250 }, policy)).quota.totalQuota).toBe(250);
    expect(ok(await stub.getQuota({}, testPolicy({ daily: 999 }))).totalQuota).toBe(250);
    const first = ok(await stub.recharge({ quotaType: "daily", amount: 50, reason: "gift", requestId: "rc" }, policy));
    const again = ok(await stub.recharge({ quotaType: "daily", amount: 50, reason: "gift", requestId: "rc" }, policy));
    expect(first.quota.totalQuota).toBe(300);
    expect(again).toMatchObject({ replayed: true, transactionId: first.transactionId });
    expect(ok(await stub.getQuota({}, policy)).totalQuota).toBe(300);
    expect(await stub.recharge({ quotaType: "daily", amount: 51, reason: "gift", requestId: "rc" }, policy)).toMatchObject({
      error: { code: "conflict" },
    });
  });

  it("a plan change follows the role's new totals, with an admin_set ledger row", async () => {
    const stub = freshCounter("plan");
    ok(await stub.getQuota({}, testPolicy({ daily: 100 })));
    const quota = ok(await stub.getQuota({}, testPolicy({ daily: 400 })));
    expect(quota.totalQuota).toBe(400);
    const { items } = ok(await stub.listTransactions({}, testPolicy({ daily: 400 })));
    expect(items[0]).toMatchObject({ type: "admin_set", amount: 400, quotaType: "daily", beforeBalance: 100, afterBalance: 400 });
  });

  it("restore refunds up to what was used and is idempotent", async () => {
    const stub = freshCounter("restore");
    const policy = testPolicy();
    ok(await stub.consume({ amount: 30, service: "chat", model: "m", requestId: "c1" }, policy));
    const restored = ok(await stub.restore({ amount: 50, reason: "upstream failed", requestId: "r1", service: "chat", model: "m" }, policy));
    expect(restored).toMatchObject({ restored: 30, amount: 50 });
    expect(restored.quota.usedQuota).toBe(0);
    expect(ok(await stub.restore({ amount: 50, reason: "upstream failed", requestId: "r1", service: "chat", model: "m" }, policy)).replayed).toBe(true);
    expect(ok(await stub.getStatistics(policy)).quotaByService).toEqual({ chat: 0 });
  });

  it("ledger rows carry balances, service, model and requestId; pages are newest first with a total", async () => {
    const stub = freshCounter("ledger");
    const policy = testPolicy();
    for (let index = 0; index < 5; index++) {
      ok(await stub.consume({ amount: 10, service: "chat", model: "m1", requestId: `l${index}`, description: "chapter" }, policy));
    }
    const page = ok(await stub.listTransactions({ limit: 2, offset: 1 }, policy));
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.items.map((item) => item.requestId)).toEqual(["l3", "l2"]);
    expect(page.items[0]).toMatchObject({ type: "consume", amount: 10, beforeBalance: 70, afterBalance: 60, service: "chat", model: "m1", description: "chapter" });
  });

  it("statistics add up usage by type, service and model", async () => {
    const stub = freshCounter("stats");
    const policy = testPolicy();
    ok(await stub.consume({ amount: 10, service: "chat", model: "m1", requestId: "a" }, policy));
    ok(await stub.consume({ amount: 20, service: "write", model: "m2", requestId: "b" }, policy));
    ok(await stub.consume({ quotaType: "monthly", amount: 5, service: "chat", model: "m1", requestId: "c" }, policy));
    const stats = ok(await stub.getStatistics(policy));
    expect(stats).toMatchObject({
      totalQuota: 11_100,
      usedQuota: 35,
      remainingQuota: 11_065,
      totalTransactions: 3,
      dailyAverage: 35,
      quotaByService: { chat: 15, write: 20 },
      quotaByModel: { m1: 15, m2: 20 },
    });
    expect(stats.usagePercentage).toBeCloseTo((35 / 11_100) * 100, 2);
    expect(stats.quotaByType.daily).toMatchObject({ usedQuota: 30, usagePercentage: 30, level: "ok" });
  });

  it("the inbox lists level events newest first and marks them read", async () => {
    const stub = freshCounter("inbox");
    const policy = testPolicy({ daily: 10 });
    ok(await stub.consume({ amount: 9, service: "chat", requestId: "a" }, policy));
    const page = ok(await stub.listNotifications({}));
    expect(page).toMatchObject({ total: 2, unread: 2 });
    expect(page.items.map((item) => ("level" in item ? item.level : item.kind))).toEqual(["critical", "warning"]);
    expect(page.items[0]).toMatchObject({ kind: "quota_level", quotaType: "daily", remainingQuota: 1, totalQuota: 10, readAt: null });
    const id = page.items[0]?.id ?? "";
    const read = ok(await stub.markNotificationRead({ id }));
    expect(read.notification.readAt).not.toBeNull();
    expect(ok(await stub.listNotifications({ unreadOnly: true }))).toMatchObject({ total: 1, unread: 1 });
    expect(await stub.markNotificationRead({ id: crypto.randomUUID() })).toMatchObject({ error: { code: "not_found" } });
    expect(await stub.markAllNotificationsRead()).toEqual({ updated: 1 });
  });
});
