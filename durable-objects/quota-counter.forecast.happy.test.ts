/** The exhaustion forecast under a controlled clock: steady use, a burst, idle, and a reset that comes first. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { QuotaStreamMessage } from "../contract/quota/results";
import { freshCounter, ok, testPolicy } from "../test/workerd/quota-counter-object";

const MINUTE = 60_000;
const HALF_LIFE_SECONDS = 600;
// 10:00 in Shanghai (the policy's zone): the daily quota resets 14 hours later.
const T0 = Date.parse("2026-12-10T02:00:00.000Z");
const MIDNIGHT = Date.parse("2026-12-10T16:00:00.000Z");
const policy = testPolicy({ daily: 10_000, monthly: 1_000_000, total: 10_000 }, { forecast: { halfLifeSeconds: HALF_LIFE_SECONDS } });
const at = (iso: string | null) => (iso === null ? null : Date.parse(iso));

describe("QuotaCounter exhaustion forecast", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("nothing spent yet: null", async () => {
    const stub = freshCounter("forecast-none");
    expect(ok(await stub.getQuota({}, policy)).forecastExhaustedAt).toBeNull();
  });

  it("steady use: remaining over the steady rate", async () => {
    const stub = freshCounter("forecast-steady");
    // 100 credits a minute for an hour (six half-lives, so the weighted rate has settled).
    for (let minute = 0; minute < 60; minute++) {
      vi.setSystemTime(T0 + minute * MINUTE);
      ok(await stub.consume({ amount: 100, service: "chat", requestId: `s-${minute}` }, policy));
    }
    vi.setSystemTime(T0 + 60 * MINUTE);
    const quota = ok(await stub.getQuota({}, policy));
    expect(quota.remainingQuota).toBe(4_000);
    const expected = T0 + 60 * MINUTE + (4_000 / 100) * MINUTE;
    const forecast = at(quota.forecastExhaustedAt) ?? 0;
    // The weighted rate is within a few percent of 100 a minute after six half-lives.
    expect(Math.abs(forecast - expected)).toBeLessThan(3 * MINUTE);
  });

  it("a burst forecasts exhaustion soon, then decays to null when use stops (idle)", async () => {
    const stub = freshCounter("forecast-burst");
    const burst = ok(await stub.consume({ amount: 5_000, service: "chat", requestId: "b1" }, policy));
    // rate = 5,000 × ln 2 / 600 s; 5,000 remaining at that rate last 600 / ln 2 ≈ 866 s.
    const expected = T0 + Math.ceil((HALF_LIFE_SECONDS * 1000) / Math.LN2);
    expect(at(burst.quota.forecastExhaustedAt)).toBe(expected);
    expect(burst.quota.forecastExhaustedAt).toBe(ok(await stub.getQuota({}, policy)).forecastExhaustedAt);
    // An hour idle: the rate has halved six times, and 5,000 would now last past midnight.
    vi.setSystemTime(T0 + 60 * MINUTE);
    expect(ok(await stub.getQuota({}, policy)).forecastExhaustedAt).toBeNull();
  });

  it("a reset before exhaustion: null for the daily quota, while the never-resetting total gets a time", async () => {
    const stub = freshCounter("forecast-reset");
    vi.setSystemTime(MIDNIGHT - 10 * MINUTE);
    const daily = ok(await stub.consume({ amount: 1_000, service: "chat", requestId: "d1" }, policy));
    // 9,000 left at 1,000 × ln 2 / 600 s lasts about 2 h 10 min: past midnight, 10 minutes away.
    expect(daily.quota.forecastExhaustedAt).toBeNull();
    const total = ok(await stub.consume({ quotaType: "total", amount: 1_000, service: "chat", requestId: "t1" }, policy));
    expect(at(total.quota.forecastExhaustedAt)).toBe(MIDNIGHT - 10 * MINUTE + Math.ceil((9 * HALF_LIFE_SECONDS * 1000) / Math.LN2));
  });

  it("level events and the WebSocket snapshot carry the forecast", async () => {
    const stub = freshCounter("forecast-events");
    const result = ok(await stub.consume({ amount: 8_500, service: "chat", requestId: "w1" }, policy));
    expect(result.events.map((event) => event.level)).toEqual(["warning"]);
    expect(result.events[0]?.forecastExhaustedAt).toBe(result.quota.forecastExhaustedAt);
    expect(result.quota.forecastExhaustedAt).not.toBeNull();

    const response = await stub.fetch("https://quota.internal/stream", { headers: { Upgrade: "websocket" } });
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the 101 response");
    const snapshot = new Promise<QuotaStreamMessage>((resolve) => {
      socket.addEventListener("message", (event) => resolve(JSON.parse(String(event.data)) as QuotaStreamMessage));
    });
    socket.accept();
    const message = await snapshot;
    socket.close(1000, "done");
    expect(message.type).toBe("snapshot");
    const daily = message.type === "snapshot" ? message.quotas.find((quota) => quota.quotaType === "daily") : undefined;
    expect(daily?.forecastExhaustedAt).toBe(result.quota.forecastExhaustedAt);
  });
});
