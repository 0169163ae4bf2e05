import { describe, expect, it } from "vitest";
import { quantileOf, serviceOf, serviceStats } from "./service-stats";
import { TotalsRing } from "../../contract/metrics/totals-ring";
import type { Sample } from "../../contract/metrics/wire";

const requests = (route: string, status: string, value: number): Sample => ({ kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", route, status], value });
/** Per-bucket counts over the duration bounds 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10 s and +Inf. */
const durations = (route: string, status: string, buckets: number[]): Sample => ({
  kind: "histogram",
  name: "qingyu_http_request_duration_seconds",
  labels: ["GET", route, status],
  buckets,
  sum: 0,
  count: buckets.reduce((a, b) => a + b, 0),
});

describe("per-service stats from shard totals (unit)", () => {
  it("routes map to services", () => {
    expect(serviceOf("/api/v1/finance/wallet/balance")).toBe("wallet");
    expect(serviceOf("/api/v1/shared/wallet/transfer")).toBe("wallet");
    expect(serviceOf("/api/v1/user/auth/login")).toBe("auth");
    expect(serviceOf("/api/v1/ai/quota")).toBe("quota");
    expect(serviceOf("/api/v1/users/devices")).toBe("user");
    expect(serviceOf("/api/v1/notifications/:id/read")).toBe("notifications");
    expect(serviceOf("/health/ready")).toBe("health");
    expect(serviceOf("unmatched")).toBe("unmatched");
  });

  it("quantiles interpolate inside the bucket, as Prometheus' histogram_quantile does", () => {
    const buckets = [0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(quantileOf(buckets, 0.5)).toBeCloseTo(0.0075, 6);
    expect(quantileOf([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5], 0.99)).toBe(10);
    expect(quantileOf(buckets.map(() => 0), 0.5)).toBeNull();
  });

  it("a window is the difference between now and then; rates are per second of each shard's span", () => {
    const then = [requests("/api/v1/finance/wallet/balance", "2xx", 100), durations("/api/v1/finance/wallet/balance", "2xx", [50, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])];
    const current = [
      requests("/api/v1/finance/wallet/balance", "2xx", 190),
      requests("/api/v1/finance/wallet/balance", "5xx", 10),
      durations("/api/v1/finance/wallet/balance", "2xx", [50, 50, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      durations("/api/v1/finance/wallet/balance", "5xx", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0]),
    ];
    const [wallet] = serviceStats([{ since: 0, now: 100_000, then, current }]);
    expect(wallet).toMatchObject({ service: "wallet", requests: 100, request_rate: 1, errors: 10, error_rate: 0.1, client_errors: 0 });
    expect(wallet?.p50_ms).toBeGreaterThan(10);
    expect(wallet?.p50_ms).toBeLessThanOrEqual(25);
    expect(wallet?.p99_ms).toBeGreaterThan(5000);
  });
});

describe("the shard's copies of its totals (unit)", () => {
  it("one copy per step; a window starts at the newest copy at or before its start, or the oldest there is", () => {
    const ring = new TotalsRing();
    let total = 0;
    const totals = () => [requests("/api/v1/ai/quota", "2xx", total)];
    for (let second = 0; second <= 600; second += 5) {
      total += 1;
      ring.record(second * 1000, totals);
    }
    const lastMinute = ring.window(540_000, 600_000, totals());
    expect(lastMinute.since).toBe(540_000);
    expect(serviceStats([lastMinute])[0]).toMatchObject({ service: "quota", requests: 12, request_rate: 0.2 });
    const beforeBirth = ring.window(-1_000_000, 600_000, totals());
    expect(beforeBirth.since).toBe(0);
  });
});
