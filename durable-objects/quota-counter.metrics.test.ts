/**
 * What a QuotaCounter records itself: users by level (moved exactly once per
 * change, across eviction), stream clients (counted once per socket) and
 * webhook outcomes. The objects share the test's isolate, so a spy on the
 * isolate buffer sees every sample whether or not it was flushed yet.
 */
import { evictDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MetricsBuffer } from "../src/metrics/buffer";
import { freshCounter, ok, testPolicy } from "../test/workerd/quota-counter-object";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every `add` to a family since the spy started, as [labels, delta]. */
function gaugeDeltas(family: string) {
  const spy = vi.spyOn(MetricsBuffer.prototype, "add");
  return () => spy.mock.calls.filter(([name]) => name === family).map(([, labels, delta]) => [labels, delta]);
}

const waitUntil = async (check: () => boolean, what: string) => {
  for (let tries = 0; tries < 100 && !check(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe("QuotaCounter metrics", () => {
  it("counts a user once at their most severe level: +1 ok when created, then ok → critical, nothing on later operations or after eviction", async () => {
    const deltas = gaugeDeltas("qingyu_quota_users");
    const stub = freshCounter("metrics-levels");
    const policy = testPolicy();
    ok(await stub.getQuota({ quotaType: "daily" }, policy));
    expect(deltas()).toEqual([[{ level: "ok" }, 1]]);

    // 100 daily: 92 used leaves 8% → critical (warning and critical cross together, the user moves once).
    ok(await stub.consume({ amount: 92, service: "chat", requestId: "m1" }, policy));
    expect(deltas()).toEqual([
      [{ level: "ok" }, 1],
      [{ level: "ok" }, -1],
      [{ level: "critical" }, 1],
    ]);

    ok(await stub.consume({ amount: 1, service: "chat", requestId: "m2" }, policy));
    await evictDurableObject(stub);
    ok(await stub.getQuota({ quotaType: "daily" }, policy));
    expect(deltas()).toHaveLength(3);

    ok(await stub.consume({ amount: 7, service: "chat", requestId: "m3" }, policy));
    expect(deltas().slice(3)).toEqual([
      [{ level: "critical" }, -1],
      [{ level: "exhausted" }, 1],
    ]);
  });

  it("counts a reservation that expires uncommitted, once", async () => {
    const inc = vi.spyOn(MetricsBuffer.prototype, "inc");
    const expired = () =>
      inc.mock.calls.filter(([name, labels]) => name === "qingyu_quota_reservations_total" && (labels as { event: string }).event === "expired");
    const stub = freshCounter("metrics-expire");
    const policy = testPolicy({ daily: 100 });
    ok(await stub.reserve({ amount: 70, ttlSeconds: 1, service: "chat", requestId: "r1" }, policy));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The next operation expires it lazily, before its own work.
    ok(await stub.getQuota({ quotaType: "daily" }, policy));
    ok(await stub.getQuota({ quotaType: "daily" }, policy));
    expect(expired().map(([, , by]) => by)).toEqual([1]);
  });

  it("counts a stream client on connect and uncounts it once when it closes", async () => {
    const deltas = gaugeDeltas("qingyu_quota_websocket_clients");
    const stub = freshCounter("metrics-stream");
    ok(await stub.getAllQuotas(testPolicy()));
    const response = await stub.fetch("https://quota.internal/stream", { headers: { Upgrade: "websocket" } });
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the 101 response");
    socket.accept();
    expect(deltas()).toEqual([[{}, 1]]);
    socket.close(1000, "done");
    await waitUntil(() => deltas().length === 2, "the close to be counted");
    expect(deltas()).toEqual([
      [{}, 1],
      [{}, -1],
    ]);
  });
});
