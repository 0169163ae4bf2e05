import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MetricsBatch, Sample, ShardSnapshot } from "../contract/metrics/wire";

const shard = (name: string) => env.METRICS_SHARD.getByName(`test-${name}-${crypto.randomUUID()}`);
const find = (snapshot: ShardSnapshot, name: string, labels: string[]) =>
  snapshot.samples.find((sample) => sample.name === name && sample.labels.join("|") === labels.join("|"));

const batch = (id: string, samples: Sample[], shards = 4): MetricsBatch => ({ id, shards, samples });
const logins = (value: number): Sample => ({ kind: "counter", name: "qingyu_auth_logins_total", labels: ["success"], value });

describe("MetricsShard (error)", () => {
  it("refuses samples that do not fit the registry and counts them, applying the rest", async () => {
    const stub = shard("invalid");
    const reply = await stub.ingest(
      batch("x:1", [
        logins(1),
        { kind: "counter", name: "qingyu_not_a_family_total", labels: [], value: 1 },
        { kind: "gauge_set", name: "qingyu_auth_logins_total", labels: ["success"], value: 1, at: 1 },
        { kind: "counter", name: "qingyu_auth_logins_total", labels: ["hacked"], value: 1 },
        { kind: "counter", name: "qingyu_auth_logins_total", labels: ["success"], value: -5 },
        { kind: "histogram", name: "qingyu_http_request_size_bytes", labels: ["GET", "/x"], buckets: [1], sum: 1, count: 1 },
      ]),
    );
    expect(reply).toEqual({ applied: true, dropped: 5 });
    const snapshot = await stub.snapshot();
    expect(find(snapshot, "qingyu_auth_logins_total", ["success"])).toMatchObject({ value: 1 });
    expect(find(snapshot, "qingyu_metrics_dropped_samples_total", ["unknown_metric"])).toMatchObject({ value: 1 });
    expect(find(snapshot, "qingyu_metrics_dropped_samples_total", ["schema"])).toMatchObject({ value: 2 });
    expect(find(snapshot, "qingyu_metrics_dropped_samples_total", ["invalid_label"])).toMatchObject({ value: 1 });
    expect(find(snapshot, "qingyu_metrics_dropped_samples_total", ["invalid_value"])).toMatchObject({ value: 1 });
  });

  it("caps series per family (METRICS_MAX_SERIES_PER_FAMILY) across batches", async () => {
    const stub = shard("cap");
    const cap = Number(env.METRICS_MAX_SERIES_PER_FAMILY);
    const caches = (from: number, to: number): Sample[] =>
      Array.from({ length: to - from }, (_, offset) => ({ kind: "counter", name: "qingyu_cache_hits_total", labels: [`c${from + offset}`], value: 1 }));
    await stub.ingest(batch("cap:1", caches(0, cap - 5)));
    const reply = await stub.ingest(batch("cap:2", caches(cap - 10, cap + 10)));
    expect(reply.dropped).toBe(10);
    const snapshot = await stub.snapshot();
    expect(snapshot.samples.filter((sample) => sample.name === "qingyu_cache_hits_total")).toHaveLength(cap);
    expect(find(snapshot, "qingyu_cache_hits_total", [`c${cap - 10}`])).toMatchObject({ value: 2 });
  });
});
