import { describe, expect, it } from "vitest";
import { keyNames, tagNames } from "./scripts";
import { countingLoader, countingMetrics, freshKey, isolateCache, testRedis } from "./testing";

const options = { name: "test", ttlSeconds: 60 };

describe("cache get-or-load (happy)", () => {
  it("a miss loads and stores; the next read is a hit and does not load", async () => {
    const { counts, metrics } = countingMetrics();
    const { cache } = isolateCache({ metrics });
    const key = freshKey();
    const loader = countingLoader(() => ({ name: "Lin Daiyu", chapters: [1, 2, 3], vip: false, note: null }));
    expect(await cache.getOrLoad(key, loader.load, options)).toEqual({ name: "Lin Daiyu", chapters: [1, 2, 3], vip: false, note: null });
    expect(await cache.getOrLoad(key, loader.load, options)).toEqual({ name: "Lin Daiyu", chapters: [1, 2, 3], vip: false, note: null });
    expect(loader.calls).toBe(1);
    expect(counts).toEqual({ hits: 1, misses: 1 });
  });

  it("another isolate reads the stored value without loading", async () => {
    const key = freshKey();
    const first = countingLoader(() => "stored once");
    const second = countingLoader(() => "never loaded");
    await isolateCache().cache.getOrLoad(key, first.load, options);
    expect(await isolateCache().cache.getOrLoad(key, second.load, options)).toBe("stored once");
    expect(second.calls).toBe(0);
  });

  it("strings, numbers, null and false round-trip exactly (the stored form wraps them)", async () => {
    const { cache } = isolateCache();
    for (const value of ["123", "true", "null", 0, 42.5, null, false, "", [], {}]) {
      const key = freshKey();
      await cache.getOrLoad(key, async () => value, options);
      expect(await isolateCache().cache.getOrLoad(key, async () => "reloaded", options)).toEqual(value);
    }
  });

  it("TTL plus jitter: the entry expires between TTL and TTL × (1 + CACHE_TTL_JITTER_PERCENT)", async () => {
    const { cache } = isolateCache({ config: { jitterPercent: 10 } });
    const redis = testRedis();
    const ttls: number[] = [];
    for (let index = 0; index < 20; index++) {
      const key = freshKey();
      await cache.getOrLoad(key, async () => index, { name: "test", ttlSeconds: 100 });
      ttls.push(await redis.pttl(keyNames(key).value));
    }
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(99_000);
      expect(ttl).toBeLessThanOrEqual(110_000);
    }
    expect(new Set(ttls).size).toBeGreaterThan(1);
  });

  it("a ttlSeconds function bounds the entry by its value; 0 is not stored", async () => {
    const { cache } = isolateCache({ config: { jitterPercent: 0 } });
    const redis = testRedis();
    const short = freshKey();
    await cache.getOrLoad(short, async () => ({ endsIn: 5 }), { name: "test", ttlSeconds: (value) => Math.min(300, value.endsIn) });
    expect(await redis.pttl(keyNames(short).value)).toBeLessThanOrEqual(5_000);
    const none = freshKey();
    const loader = countingLoader(() => ({ endsIn: 0 }));
    await cache.getOrLoad(none, loader.load, { name: "test", ttlSeconds: (value) => value.endsIn });
    await cache.getOrLoad(none, loader.load, { name: "test", ttlSeconds: (value) => value.endsIn });
    expect(loader.calls).toBe(2);
  });

  it("undefined (not found) is not cached, and the lock is released so the next read does not wait", async () => {
    const { cache } = isolateCache();
    const key = freshKey();
    const loader = countingLoader(() => undefined);
    const startedAt = Date.now();
    expect(await cache.getOrLoad(key, loader.load, options)).toBeUndefined();
    expect(await cache.getOrLoad(key, loader.load, options)).toBeUndefined();
    expect(loader.calls).toBe(2);
    expect(Date.now() - startedAt).toBeLessThan(500);
  });

  it("refresh loads from the source and stores the new value", async () => {
    const { cache } = isolateCache();
    const key = freshKey();
    let version = 1;
    const loader = countingLoader(() => version);
    await cache.getOrLoad(key, loader.load, options);
    version = 2;
    expect(await cache.getOrLoad(key, loader.load, options)).toBe(1);
    expect(await cache.getOrLoad(key, loader.load, { ...options, refresh: true })).toBe(2);
    expect(await isolateCache().cache.getOrLoad(key, loader.load, options)).toBe(2);
  });
});

describe("cache invalidation (happy)", () => {
  it("by key: the next read, in this isolate or another, loads the new value", async () => {
    const writer = isolateCache().cache;
    const key = freshKey();
    let nickname = "Baoyu";
    const loader = countingLoader(() => nickname);
    await writer.getOrLoad(key, loader.load, options);
    nickname = "Jia Baoyu";
    expect(await writer.invalidate(key)).toBe(true);
    expect(await isolateCache().cache.getOrLoad(key, loader.load, options)).toBe("Jia Baoyu");
    expect(await writer.getOrLoad(key, loader.load, options)).toBe("Jia Baoyu");
    expect(loader.calls).toBe(2);
  });

  it("by tag: every key stored with the tag is dropped, others stay; the tag set is removed", async () => {
    const { cache } = isolateCache();
    const tag = freshKey("tag");
    const [a, b, other] = [freshKey(), freshKey(), freshKey()];
    let generation = 1;
    const loader = countingLoader(() => generation);
    await cache.getOrLoad(a, loader.load, { ...options, tags: [tag] });
    await cache.getOrLoad(b, loader.load, { ...options, tags: [tag, freshKey("tag")] });
    await cache.getOrLoad(other, loader.load, options);
    expect(await testRedis().smembers(tagNames(tag).members)).toEqual(expect.arrayContaining([a, b]));
    generation = 2;
    await cache.invalidateTags(tag);
    expect(await testRedis().exists(tagNames(tag).members)).toBe(0);
    expect(await cache.getOrLoad(a, loader.load, { ...options, tags: [tag] })).toBe(2);
    expect(await cache.getOrLoad(b, loader.load, { ...options, tags: [tag] })).toBe(2);
    expect(await cache.getOrLoad(other, loader.load, options)).toBe(1);
  });

  it("a value loaded before a write is not stored after that write's invalidation", async () => {
    const { cache } = isolateCache();
    const tag = freshKey("tag");
    const key = freshKey();
    let row = "before the write";
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The reader loads the old row, then stalls; the writer updates and invalidates meanwhile.
    const reader = cache.getOrLoad(
      key,
      async () => {
        const seen = row;
        await gate;
        return seen;
      },
      { ...options, tags: [tag] },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    row = "after the write";
    await isolateCache().cache.invalidateTags(tag);
    release();
    expect(await reader).toBe("before the write");
    expect(await isolateCache().cache.getOrLoad(key, async () => row, { ...options, tags: [tag] })).toBe("after the write");
  });
});
