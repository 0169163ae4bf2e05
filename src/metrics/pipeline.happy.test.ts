import { describe, expect, it, vi } from "vitest";
import type { FlushContext } from "./pipeline";
import { MetricsPipeline } from "./pipeline";
import type { MetricsBatch } from "../../contract/metrics/wire";

const settings = { shards: 4, flushIntervalMs: 60_000, flushMaxSeries: 1000, flushTimeoutMs: 200, maxSeriesPerFamily: 100 };

/** A flush context whose shard records batches (or fails) and whose waitUntil collects promises. */
function fakeContext(behaviour: (batch: MetricsBatch) => Promise<void> = async () => {}) {
  const batches: MetricsBatch[] = [];
  const shards: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  const context: FlushContext = {
    waitUntil: (promise) => void pending.push(promise),
    shard: (index) => {
      shards.push(index);
      return {
        ingest: async (batch) => {
          batches.push(structuredClone(batch));
          await behaviour(batch);
          return { applied: true, dropped: 0 };
        },
      };
    },
  };
  return { context, batches, shards, pending, settle: () => Promise.all(pending.splice(0)) };
}

describe("MetricsPipeline (happy)", () => {
  it("does not call a shard per request: requests inside the interval share one delayed flush", async () => {
    const pipeline = new MetricsPipeline({ ...settings, flushIntervalMs: 50 });
    const fake = fakeContext();
    for (let request = 0; request < 200; request++) {
      pipeline.buffer.inc("qingyu_http_requests_total", { method: "GET", route: "/x", status: "2xx" });
      pipeline.afterWork(fake.context);
    }
    expect(fake.pending).toHaveLength(1); // one timer, scheduled by the first request
    expect(fake.batches).toHaveLength(0);
    await fake.settle();
    expect(fake.batches).toHaveLength(1);
    expect(fake.batches[0]?.samples).toContainEqual({ kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", "/x", "2xx"], value: 200 });
    // the batch counts itself, so even an isolate that never flushes again reports its flush
    expect(fake.batches[0]?.samples).toContainEqual({ kind: "counter", name: "qingyu_metrics_flushes_total", labels: ["ok"], value: 1 });
  });

  it("flushes at once when the batch reaches flushMaxSeries, and always to the same shard", async () => {
    const pipeline = new MetricsPipeline({ ...settings, flushMaxSeries: 5 });
    const fake = fakeContext();
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 5; index++) pipeline.buffer.inc("qingyu_cache_hits_total", { cache: `c${index}` });
      pipeline.afterWork(fake.context);
      await fake.settle();
    }
    expect(fake.batches).toHaveLength(3);
    expect(new Set(fake.shards).size).toBe(1);
    expect(fake.shards[0]).toBe(pipeline.shardIndex);
    expect(new Set(fake.batches.map((batch) => batch.id)).size).toBe(3);
    expect(fake.batches[0]?.shards).toBe(4);
  });

  it("re-sends a failed batch with the same id before anything newer, and counts the failure", async () => {
    const pipeline = new MetricsPipeline(settings);
    let failures = 1;
    const fake = fakeContext(async () => {
      if (failures-- > 0) throw new Error("shard unavailable");
    });
    pipeline.buffer.inc("qingyu_auth_logins_total", { result: "success" });
    await pipeline.flush(fake.context);
    pipeline.buffer.inc("qingyu_auth_logins_total", { result: "failure" });
    await pipeline.flush(fake.context);
    expect(fake.batches.map((batch) => batch.id)).toEqual([fake.batches[0]?.id, fake.batches[0]?.id, fake.batches[2]?.id]);
    expect(fake.batches[2]?.id).not.toBe(fake.batches[0]?.id);
    const third = fake.batches[2]?.samples ?? [];
    expect(third).toContainEqual({ kind: "counter", name: "qingyu_auth_logins_total", labels: ["failure"], value: 1 });
    expect(third).toContainEqual({ kind: "counter", name: "qingyu_metrics_flushes_total", labels: ["error"], value: 1 });
    expect(third).toContainEqual({ kind: "counter", name: "qingyu_metrics_flushes_total", labels: ["ok"], value: 1 });
  });

  it("treats a shard slower than flushTimeoutMs as a failed flush and frees the pipeline", async () => {
    const pipeline = new MetricsPipeline({ ...settings, flushTimeoutMs: 100 });
    const fake = fakeContext(() => new Promise(() => {}));
    pipeline.buffer.inc("qingyu_auth_logins_total", { result: "success" });
    const startedAt = Date.now();
    await pipeline.flush(fake.context);
    expect(Date.now() - startedAt).toBeLessThan(2000);
    pipeline.buffer.inc("qingyu_auth_logins_total", { result: "success" });
    await pipeline.flush(fake.context);
    expect(fake.batches).toHaveLength(2);
    expect(fake.batches[1]?.id).toBe(fake.batches[0]?.id);
  });

  it("stamps build info on every flush", async () => {
    const pipeline = new MetricsPipeline(settings, { version: "9.9.9", environment: "test" });
    const fake = fakeContext();
    pipeline.buffer.inc("qingyu_auth_logins_total", { result: "success" });
    await pipeline.flush(fake.context);
    expect(fake.batches[0]?.samples).toContainEqual(expect.objectContaining({ name: "qingyu_build_info", labels: ["9.9.9", "test"], value: 1 }));
  });

  it("declares a flush lost when its context never settles it, and re-sends that batch with the same id", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    try {
      const pipeline = new MetricsPipeline({ ...settings, flushMaxSeries: 1, flushTimeoutMs: 5000 });
      let hang = true;
      const fake = fakeContext(() => (hang ? new Promise(() => {}) : Promise.resolve()));
      pipeline.buffer.inc("qingyu_auth_logins_total", { result: "success" });
      pipeline.afterWork(fake.context); // its flush never settles: timers frozen, like a dropped context's
      fake.pending.splice(0);
      await Promise.resolve();
      expect(fake.batches).toHaveLength(1);
      hang = false;
      vi.setSystemTime(Date.now() + 11_000); // past 2 × flushTimeoutMs
      pipeline.buffer.inc("qingyu_auth_logins_total", { result: "failure" });
      pipeline.afterWork(fake.context);
      await Promise.all(fake.pending.splice(0));
      expect(fake.batches.map((batch) => batch.id)).toEqual([fake.batches[0]?.id, fake.batches[0]?.id, fake.batches[2]?.id]);
      expect(fake.batches[2]?.samples).toContainEqual({ kind: "counter", name: "qingyu_auth_logins_total", labels: ["failure"], value: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
