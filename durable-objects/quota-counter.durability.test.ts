/** Eviction loses nothing; a read after a calendar boundary is right before the alarm runs. */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freshCounter, ledgerCount, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

const HOOK_URL = "https://hooks.durability.test/quota";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("QuotaCounter durability", () => {
  it("eviction keeps counters, ledger, reservations, inbox and the undelivered webhook outbox", async () => {
    const realFetch = globalThis.fetch;
    let receiverUp = false;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== HOOK_URL) return realFetch(input, init);
      return Promise.resolve(new Response(null, { status: receiverUp ? 204 : 503 }));
    });
    const stub = freshCounter("evict");
    const policy = testPolicy(
      { daily: 100 },
      { webhook: { url: HOOK_URL, secret: "durability-secret-0123456789" }, webhookDelivery: { baseDelayMs: 3_600_000 } },
    );
    ok(await stub.consume({ amount: 50, service: "chat", requestId: "c1" }, policy));
    const { reservation } = ok(await stub.reserve({ amount: 35, ttlSeconds: 3_600, service: "chat", requestId: "r1" }, policy));
    const before = ok(await stub.getQuota({}, policy));
    expect(before).toMatchObject({ usedQuota: 50, reservedQuota: 35, remainingQuota: 15, level: "warning" });
    const outboxBefore = await sqlRows<{ event_id: string; body: string; status: string }>(stub, "SELECT event_id, body, status FROM webhook_outbox");
    expect(outboxBefore).toHaveLength(1);

    await evictDurableObject(stub);

    const after = ok(await stub.getQuota({}, policy));
    expect(after).toMatchObject({ usedQuota: 50, reservedQuota: 35, remainingQuota: 15, level: "warning", id: before.id });
    expect(await ledgerCount(stub, "consume")).toBe(1);
    expect(await ledgerCount(stub, "reserve")).toBe(1);
    expect(await sqlRows(stub, "SELECT id, status FROM reservations")).toEqual([{ id: reservation?.id, status: "active" }]);
    expect(ok(await stub.listNotifications({})).total).toBe(1);
    const outboxAfter = await sqlRows<{ event_id: string; body: string; status: string }>(stub, "SELECT event_id, body, status FROM webhook_outbox");
    expect(outboxAfter.map(({ event_id, body }) => ({ event_id, body }))).toEqual(outboxBefore.map(({ event_id, body }) => ({ event_id, body })));
    expect(outboxAfter[0]?.status).toBe("pending");

    // The evicted object still delivers what it owed once the receiver is back and the retry is due.
    receiverUp = true;
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE webhook_outbox SET next_attempt_at = ?", Date.now() - 1);
    });
    await runDurableObjectAlarm(stub);
    expect(await sqlRows(stub, "SELECT status FROM webhook_outbox")).toEqual([{ status: "delivered" }]);

    // And the reservation it held still settles normally.
    const committed = ok(await stub.commit({ reservationId: reservation?.id ?? "", actual: 35 }, policy));
    expect(committed.quota).toMatchObject({ usedQuota: 85, reservedQuota: 0 });
  });

  it("a read after the daily boundary shows the reset even if the alarm has not run", async () => {
    const stub = freshCounter("lazy-reset");
    const policy = testPolicy({ daily: 100 });
    ok(await stub.consume({ amount: 90, service: "chat", requestId: "c1" }, policy));
    ok(await stub.consume({ quotaType: "monthly", amount: 40, service: "chat", requestId: "c2" }, policy));
    const boundary = Date.now() - 1;
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec("UPDATE quotas SET reset_at = ? WHERE quota_type = 'daily'", boundary);
      // The alarm must not help: this test is about the read path alone.
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(stub);

    const quota = ok(await stub.getQuota({}, policy));
    expect(quota).toMatchObject({ usedQuota: 0, remainingQuota: 100, level: "ok" });
    expect(Date.parse(quota.resetAt ?? "")).toBeGreaterThan(Date.now());
    const [reset] = await sqlRows(stub, "SELECT amount, before_balance, after_balance FROM ledger WHERE type = 'reset'");
    expect(reset).toEqual({ amount: 90, before_balance: 10, after_balance: 100 });
    // Monthly and total were not due and keep their usage.
    expect(ok(await stub.getQuota({ quotaType: "monthly" }, policy)).usedQuota).toBe(40);
    expect(await ledgerCount(stub, "reset")).toBe(1);
  });

  it("a used period schedules the alarm for its boundary; an idle one does not", async () => {
    const stub = freshCounter("alarm-at");
    const policy = testPolicy();
    ok(await stub.getAllQuotas(policy));
    const idle = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(idle).toBeNull();
    const result = ok(await stub.consume({ amount: 1, service: "chat", requestId: "c1" }, policy));
    const scheduled = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(scheduled).toBe(Date.parse(result.quota.resetAt ?? ""));
  });
});
