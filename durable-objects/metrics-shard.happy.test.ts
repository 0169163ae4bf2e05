import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MetricsBatch, Sample, ShardSnapshot } from "../contract/metrics/wire";

const shard = (name: string) => env.METRICS_SHARD.getByName(`test-${name}-${crypto.randomUUID()}`);
const find = (snapshot: ShardSnapshot, name: string, labels: string[]) =>
  snapshot.samples.find((sample) => sample.name === name && sample.labels.join("|") === labels.join("|"));

const batch = (id: string, samples: Sample[], shards = 4): MetricsBatch => ({ id, shards, samples });
const logins = (value: number): Sample => ({ kind: "counter", name: "qingyu_auth_logins_total", labels: ["success"], value });

describe("MetricsShard (happy)", () => {
  it("keeps ping() working for the health checks", async () => {
    expect(await shard("ping").ping()).toMatchObject({ ok: true });
  });

  it("starts the pipeline's own counters at 0, so 'nothing dropped' is a value, not an absence", async () => {
    const snapshot = await shard("fresh").snapshot();
    for (const reason of ["cardinality", "invalid_label", "invalid_value", "unknown_metric", "schema"]) {
      expect(find(snapshot, "qingyu_metrics_dropped_samples_total", [reason]), reason).toMatchObject({ value: 0 });
    }
    expect(find(snapshot, "qingyu_metrics_shard_batches_total", ["applied"])).toMatchObject({ value: 0 });
  });

  it("adds counters and histograms, sums deltas, keeps the newest set-gauge", async () => {
    const stub = shard("merge");
    const histogram = (count: number): Sample => ({
      kind: "histogram",
      name: "qingyu_http_request_size_bytes",
      labels: ["POST", "/api/v1/shared/auth/login"],
      buckets: [count, 0, 0, 0, 0, 0, 0, 0, 0],
      sum: 10 * count,
      count,
    });
    await stub.ingest(batch("a:1", [logins(2), histogram(1), { kind: "gauge_add", name: "qingyu_quota_users", labels: ["warning"], value: 3 }, { kind: "gauge_set", name: "qingyu_auth_active_sessions", labels: [], value: 9, at: 2000 }]));
    await stub.ingest(batch("b:1", [logins(5), histogram(2), { kind: "gauge_add", name: "qingyu_quota_users", labels: ["warning"], value: -1 }, { kind: "gauge_set", name: "qingyu_auth_active_sessions", labels: [], value: 4, at: 1000 }]));
    const snapshot = await stub.snapshot();
    expect(find(snapshot, "qingyu_auth_logins_total", ["success"])).toMatchObject({ value: 7 });
    expect(find(snapshot, "qingyu_http_request_size_bytes", ["POST", "/api/v1/shared/auth/login"])).toMatchObject({ count: 3, sum: 30, buckets: [3, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(find(snapshot, "qingyu_quota_users", ["warning"])).toMatchObject({ value: 2 });
    // the write stamped 1000 arrived later but is older: 9 (stamped 2000) stays
    expect(find(snapshot, "qingyu_auth_active_sessions", [])).toMatchObject({ value: 9 });
    expect(find(snapshot, "qingyu_metrics_shard_batches_total", ["applied"])).toMatchObject({ value: 2 });
    expect(snapshot.shardsSeen).toBe(4);
  });

  it("applies a retried batch (same id) once", async () => {
    const stub = shard("dedupe");
    expect(await stub.ingest(batch("iso:1", [logins(1)]))).toEqual({ applied: true, dropped: 0 });
    expect(await stub.ingest(batch("iso:1", [logins(1)]))).toEqual({ applied: false, dropped: 0 });
    const snapshot = await stub.snapshot();
    expect(find(snapshot, "qingyu_auth_logins_total", ["success"])).toMatchObject({ value: 1 });
    expect(find(snapshot, "qingyu_metrics_shard_batches_total", ["duplicate"])).toMatchObject({ value: 1 });
  });

  it("keeps its totals in SQLite: counters survive eviction and keep growing", async () => {
    const stub = shard("persist");
    await stub.ingest(batch("p:1", [logins(41)], 6));
    await evictDurableObject(stub);
    const afterEviction = await stub.snapshot();
    expect(find(afterEviction, "qingyu_auth_logins_total", ["success"])).toMatchObject({ value: 41 });
    expect(afterEviction.shardsSeen).toBe(6);
    // a batch id applied before the eviction is still remembered
    expect(await stub.ingest(batch("p:1", [logins(41)]))).toMatchObject({ applied: false });
    await stub.ingest(batch("p:2", [logins(1)]));
    expect(find(await stub.snapshot(), "qingyu_auth_logins_total", ["success"])).toMatchObject({ value: 42 });
  });
});
