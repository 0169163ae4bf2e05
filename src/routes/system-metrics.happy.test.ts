import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin } from "../../test/workerd/api";

type Entry = { service: string; metrics: Record<string, number | null>; timestamp: string };

describe("GET /api/v1/system/metrics (happy)", () => {
  it("per-service rate, error rate and p50/p99 come from what the shards hold", async () => {
    const service = `zz${crypto.randomUUID().slice(0, 8)}`;
    const route = `/api/v1/${service}/things`;
    // What isolates would have flushed for this route: 8 answers of 2xx within 5–10 ms, 2 of 5xx within 1–2.5 s.
    await env.METRICS_SHARD.getByName("shard-1").ingest({
      id: `test-${service}`,
      shards: 4,
      samples: [
        { kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", route, "2xx"], value: 8 },
        { kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", route, "5xx"], value: 2 },
        { kind: "histogram", name: "qingyu_http_request_duration_seconds", labels: ["GET", route, "2xx"], buckets: [0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], sum: 0.06, count: 8 },
        { kind: "histogram", name: "qingyu_http_request_duration_seconds", labels: ["GET", route, "5xx"], buckets: [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0], sum: 3, count: 2 },
      ],
    });
    const admin = await registerAdmin();
    const one = await envelope<Entry[]>(await api(`/api/v1/system/metrics/${service}?minutes=15`, { token: admin.pair.token }), 200);
    expect(one.data).toHaveLength(1);
    expect(one.data[0]).toMatchObject({ service, metrics: { requests: 10, errors: 2, error_rate: 0.2, client_errors: 0 } });
    expect(one.data[0]?.metrics.p50_ms).toBeGreaterThan(5);
    expect(one.data[0]?.metrics.p50_ms).toBeLessThanOrEqual(10);
    expect(one.data[0]?.metrics.p99_ms).toBeGreaterThan(1000);
    expect(one.data[0]?.metrics.window_seconds).toBeGreaterThanOrEqual(0);

    const all = await envelope<Record<string, Entry[]>>(await api("/api/v1/system/metrics", { token: admin.pair.token }), 200);
    expect(all.data[service]?.[0]?.metrics.requests).toBe(10);
  });
});
