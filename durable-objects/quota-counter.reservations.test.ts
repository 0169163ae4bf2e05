/** Reservations: holds count at once, commit charges actual (overage policy), release, expiry by alarm. */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshCounter, ledgerCount, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

describe("QuotaCounter reservations", () => {
  it("a reservation counts against remaining at once and is idempotent by requestId", async () => {
    const stub = freshCounter("reserve");
    const policy = testPolicy({ daily: 100 });
    const reserved = ok(await stub.reserve({ amount: 60, service: "chat", model: "m1", requestId: "r1" }, policy));
    expect(reserved.outcome).toBe("ok");
    expect(reserved.reservation).toMatchObject({ amount: 60, status: "active", service: "chat", model: "m1", requestId: "r1" });
    expect(reserved.quota).toMatchObject({ reservedQuota: 60, remainingQuota: 40, usedQuota: 0 });
    expect(ok(await stub.consume({ amount: 41, service: "chat", requestId: "c1" }, policy)).outcome).toBe("insufficient");
    const replay = ok(await stub.reserve({ amount: 60, service: "chat", model: "m1", requestId: "r1" }, policy));
    expect(replay).toMatchObject({ replayed: true, reservation: { id: reserved.reservation?.id } });
    expect(ok(await stub.getQuota({}, policy)).reservedQuota).toBe(60);
    expect(ok(await stub.reserve({ amount: 41, service: "chat", requestId: "r2" }, policy))).toMatchObject({ outcome: "insufficient", reservation: null });
  });

  it("commit charges the actual amount and releases the rest; committing again replays", async () => {
    const stub = freshCounter("commit");
    const policy = testPolicy({ daily: 100 });
    const { reservation } = ok(await stub.reserve({ amount: 50, service: "chat", model: "m1", requestId: "r1" }, policy));
    const reservationId = reservation?.id ?? "";
    const committed = ok(await stub.commit({ reservationId, actual: 30 }, policy));
    expect(committed).toMatchObject({ charged: 30, overage: 0, reservation: { status: "committed", actual: 30, charged: 30 } });
    expect(committed.quota).toMatchObject({ usedQuota: 30, reservedQuota: 0, remainingQuota: 70 });
    expect(ok(await stub.commit({ reservationId, actual: 30 }, policy))).toMatchObject({ replayed: true, transactionId: committed.transactionId });
    expect(await stub.commit({ reservationId, actual: 31 }, policy)).toMatchObject({ error: { code: "conflict" } });
    expect(await stub.release({ reservationId }, policy)).toMatchObject({ error: { code: "conflict" } });
    expect(ok(await stub.getStatistics(policy)).quotaByModel).toEqual({ m1: 30 });
  });

  it("an actual above the estimate is charged up to what remains; the overage is recorded, not charged", async () => {
    const stub = freshCounter("overage");
    const policy = testPolicy({ daily: 100 });
    ok(await stub.consume({ amount: 60, service: "chat", requestId: "c1" }, policy));
    const { reservation } = ok(await stub.reserve({ amount: 20, service: "chat", requestId: "r1" }, policy));
    const committed = ok(await stub.commit({ reservationId: reservation?.id ?? "", actual: 55 }, policy));
    expect(committed).toMatchObject({ charged: 40, overage: 15, reservation: { actual: 55, charged: 40, overage: 15 } });
    expect(committed.quota).toMatchObject({ usedQuota: 100, remainingQuota: 0, level: "exhausted" });
    const [row] = await sqlRows<{ amount: number; description: string }>(stub, "SELECT amount, description FROM ledger WHERE type = 'commit'");
    expect(row?.amount).toBe(40);
    expect(row?.description).toContain("overage 15 not charged");
  });

  it("release returns the whole hold; releasing twice replays", async () => {
    const stub = freshCounter("release");
    const policy = testPolicy({ daily: 100 });
    const { reservation } = ok(await stub.reserve({ amount: 25, service: "chat", requestId: "r1" }, policy));
    const reservationId = reservation?.id ?? "";
    const released = ok(await stub.release({ reservationId }, policy));
    expect(released).toMatchObject({ released: 25, reservation: { status: "released" }, quota: { reservedQuota: 0, remainingQuota: 100 } });
    expect(ok(await stub.release({ reservationId }, policy)).replayed).toBe(true);
    expect(await stub.commit({ reservationId, actual: 1 }, policy)).toMatchObject({ error: { code: "conflict" } });
    expect(await ledgerCount(stub, "release")).toBe(1);
  });

  it("holds past their TTL go back to remaining by the alarm alone, with an expire ledger row", async () => {
    const stub = freshCounter("expire");
    const policy = testPolicy({ daily: 100 });
    const { reservation } = ok(await stub.reserve({ amount: 70, ttlSeconds: 1, service: "chat", requestId: "r1" }, policy));
    const [alarm] = await runInDurableObject(stub, async (_instance, state) => [await state.storage.getAlarm()]);
    expect(alarm).toBe(Date.parse(reservation?.expiresAt ?? ""));

    // No request reaches the object: only its alarm may release the hold.
    let rows: Array<{ reserved: number }> = [];
    for (let waited = 0; waited < 5_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (waited >= 1_500) await runDurableObjectAlarm(stub);
      rows = await sqlRows<{ reserved: number }>(stub, "SELECT reserved FROM quotas WHERE quota_type = 'daily'");
      if (rows[0]?.reserved === 0) break;
    }
    expect(rows).toEqual([{ reserved: 0 }]);
    const expired = await sqlRows(stub, "SELECT type, amount, request_id, before_balance, after_balance FROM ledger WHERE type = 'expire'");
    expect(expired).toEqual([{ type: "expire", amount: 70, request_id: "r1", before_balance: 30, after_balance: 100 }]);
    expect(await sqlRows(stub, "SELECT status FROM reservations")).toEqual([{ status: "expired" }]);

    // A late commit still charges the work that was done.
    const late = ok(await stub.commit({ reservationId: reservation?.id ?? "", actual: 10 }, policy));
    expect(late).toMatchObject({ charged: 10, quota: { usedQuota: 10, reservedQuota: 0 } });
  });

  it("runDurableObjectAlarm releases a hold whose expiry has passed", async () => {
    const stub = freshCounter("expire-now");
    const policy = testPolicy({ daily: 100 });
    ok(await stub.reserve({ amount: 40, ttlSeconds: 600, service: "chat", requestId: "r1" }, policy));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE reservations SET expires_at = ?", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await ledgerCount(stub, "expire")).toBe(1);
    expect(ok(await stub.getQuota({}, policy))).toMatchObject({ reservedQuota: 0, remainingQuota: 100 });
  });
});
