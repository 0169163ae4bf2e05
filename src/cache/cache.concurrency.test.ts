import { describe, expect, it } from "vitest";
import { countingLoader, countingMetrics, freshKey, isolateCache } from "./testing";

const options = { name: "test", ttlSeconds: 60 };

describe("cache stampede protection (concurrency)", () => {
  it("100 concurrent reads of a cold key in one isolate → one source load, everyone gets the value", async () => {
    const { counts, metrics } = countingMetrics();
    const { cache } = isolateCache({ metrics });
    const key = freshKey();
    const loader = countingLoader(() => ({ title: "Dream of the Red Chamber" }), 30);
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.getOrLoad(key, loader.load, options)));
    expect(loader.calls).toBe(1);
    expect(new Set(results.map((result) => JSON.stringify(result)))).toEqual(new Set([JSON.stringify({ title: "Dream of the Red Chamber" })]));
    // Every caller is counted: the 100 shared one load.
    expect(counts).toEqual({ hits: 0, misses: 100 });
  });

  it("two isolates × 50 concurrent reads of a cold key → one source load across both (the Redis lock)", async () => {
    const key = freshKey();
    const loader = countingLoader(() => "loaded once", 100);
    const isolates = [isolateCache(), isolateCache()];
    const results = await Promise.all(isolates.flatMap(({ cache }) => Array.from({ length: 50 }, () => cache.getOrLoad(key, loader.load, options))));
    expect(loader.calls).toBe(1);
    expect(results.every((result) => result === "loaded once")).toBe(true);
  });

  it("five isolates at once: still one load (waiters poll for the holder's value)", async () => {
    const key = freshKey();
    const loader = countingLoader(() => 7, 80);
    const results = await Promise.all(Array.from({ length: 5 }, () => isolateCache().cache.getOrLoad(key, loader.load, options)));
    expect(loader.calls).toBe(1);
    expect(results).toEqual([7, 7, 7, 7, 7]);
  });

  it("a slow lock holder: the other isolate waits CACHE_LOCK_WAIT_MS, then loads from the source itself", async () => {
    const key = freshKey();
    const slow = countingLoader(() => "slow holder", 800);
    const impatient = countingLoader(() => "loaded anyway");
    const holder = isolateCache().cache.getOrLoad(key, slow.load, options);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const startedAt = Date.now();
    const other = await isolateCache({ config: { lockWaitMs: 200, lockPollMs: 20 } }).cache.getOrLoad(key, impatient.load, options);
    const waited = Date.now() - startedAt;
    expect(other).toBe("loaded anyway");
    expect(impatient.calls).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(180);
    expect(waited).toBeLessThan(700);
    expect(await holder).toBe("slow holder");
  });

  it("a holder whose load fails releases the lock: a waiter stops waiting and loads", async () => {
    const key = freshKey();
    const failing = isolateCache().cache.getOrLoad(
      key,
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error("source down");
      },
      options,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const startedAt = Date.now();
    const waiter = countingLoader(() => "after the failure");
    const result = isolateCache({ config: { lockWaitMs: 5_000 } }).cache.getOrLoad(key, waiter.load, options);
    await expect(failing).rejects.toThrow("source down");
    expect(await result).toBe("after the failure");
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("an invalidation during a load in this isolate: the next read does not join the stale load", async () => {
    const { cache } = isolateCache();
    const key = freshKey();
    let row = "old";
    const slowOld = cache.getOrLoad(
      key,
      async () => {
        const seen = row;
        await new Promise((resolve) => setTimeout(resolve, 150));
        return seen;
      },
      options,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    row = "new";
    await cache.invalidate(key);
    expect(await cache.getOrLoad(key, async () => row, options)).toBe("new");
    expect(await slowOld).toBe("old");
    expect(await cache.getOrLoad(key, async () => "unused", options)).toBe("new");
  });
});
