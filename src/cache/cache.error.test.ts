import type { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { getRedis } from "../services/redis";
import { createCache } from "./cache";
import { DEFAULT_CACHE_CONFIG, loadCacheConfig } from "./config";
import { CacheIsolateState } from "./isolate-state";
import { keyNames } from "./scripts";
import { CacheValueError, serializeCacheValue } from "./serialize";
import { countingLoader, countingMetrics, freshKey, isolateCache, memoryLogger, testRedis } from "./testing";

const options = { name: "test", ttlSeconds: 60 };

describe("cache when Redis is unreachable (error)", () => {
  it("a refused token: every read is served from the source, nothing throws, one warning per outage", async () => {
    const { counts, metrics } = countingMetrics();
    const { lines, logger } = memoryLogger();
    const { cache } = isolateCache({ up: false, metrics, logger });
    const loader = countingLoader(() => ({ fromSource: true }));
    const key = freshKey();
    for (let index = 0; index < 5; index++) expect(await cache.getOrLoad(key, loader.load, options)).toEqual({ fromSource: true });
    expect(loader.calls).toBe(5);
    expect(counts).toEqual({ hits: 0, misses: 5 });
    expect(lines.filter((line) => line.msg.startsWith("cache: Redis unavailable"))).toHaveLength(1);
  });

  it("a port that refuses connections: reads still go to the source", async () => {
    const redis = getRedis({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", UPSTASH_REDIS_REST_TOKEN: "a-token-for-a-dead-port-000" });
    const cache = createCache({ redis, config: DEFAULT_CACHE_CONFIG, state: new CacheIsolateState() });
    const loader = countingLoader(() => "from D1");
    expect(await cache.getOrLoad(freshKey(), loader.load, options)).toBe("from D1");
    expect(await cache.invalidateTags("user:nobody")).toBe(false);
  });

  it("after a failure the isolate skips Redis for CACHE_REDIS_RETRY_MS, then uses it again", async () => {
    const state = new CacheIsolateState();
    const down = isolateCache({ up: false, state, config: { redisRetryMs: 200 } }).cache;
    const up = isolateCache({ state, config: { redisRetryMs: 200 } }).cache;
    const key = freshKey();
    const loader = countingLoader(() => "value");
    await down.getOrLoad(key, loader.load, options);
    await up.getOrLoad(key, loader.load, options); // still backing off: source
    expect(await testRedis().exists(keyNames(key).value)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await up.getOrLoad(key, loader.load, options);
    expect(await testRedis().exists(keyNames(key).value)).toBe(1);
    expect(loader.calls).toBe(3);
  });

  it("an invalidation Redis missed is applied before this isolate reads Redis again", async () => {
    const state = new CacheIsolateState();
    const key = freshKey();
    let row = "old";
    const up = isolateCache({ state, config: { redisRetryMs: 0 } }).cache;
    await up.getOrLoad(key, async () => row, options);
    row = "new";
    expect(await isolateCache({ up: false, state, config: { redisRetryMs: 0 } }).cache.invalidate(key)).toBe(false);
    expect(state.pendingKeys.has(key)).toBe(true);
    expect(await up.getOrLoad(key, async () => row, options)).toBe("new");
    expect(state.pendingKeys.size).toBe(0);
  });

  it("a Redis that never answers counts as down after CACHE_REDIS_TIMEOUT_MS", async () => {
    const hanging = { get: () => new Promise(() => {}), eval: () => new Promise(() => {}) } as unknown as Redis;
    const cache = createCache({ redis: hanging, config: { ...DEFAULT_CACHE_CONFIG, redisTimeoutMs: 50 }, state: new CacheIsolateState() });
    const startedAt = Date.now();
    expect(await cache.getOrLoad(freshKey(), async () => "value", options)).toBe("value");
    expect(Date.now() - startedAt).toBeLessThan(500);
  });
});

describe("cache values (error)", () => {
  it("a value over CACHE_MAX_VALUE_BYTES is returned but not stored, and the warning says why", async () => {
    const { lines, logger } = memoryLogger();
    const { cache } = isolateCache({ config: { maxValueBytes: 100 }, logger });
    const key = freshKey();
    const loader = countingLoader(() => "x".repeat(200));
    expect(await cache.getOrLoad(key, loader.load, options)).toHaveLength(200);
    expect(await cache.getOrLoad(key, loader.load, options)).toHaveLength(200);
    expect(loader.calls).toBe(2);
    const warning = lines.find((line) => line.msg === "cache: value not cached");
    expect(warning?.fields).toMatchObject({ problem: "too_large", key });
    expect(String(warning?.fields.error)).toMatch(/is 2\d\d bytes, over the 100-byte limit \(CACHE_MAX_VALUE_BYTES\)/);
    // The lock was released: another isolate does not wait for a fill that never comes.
    expect(await testRedis().exists(keyNames(key).lock)).toBe(0);
  });

  it("values that would not round-trip are refused with the path of the bad part", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: Array<[unknown, RegExp]> = [
      [{ at: new Date(0) }, /value\.at \(Date instance\)/],
      [{ list: [1, Number.NaN] }, /value\.list\[1\] \(NaN\)/],
      [{ big: 10n }, /value\.big \(bigint\)/],
      [{ run: () => 1 }, /value\.run \(function\)/],
      [cyclic, /value\.self \(circular reference\)/],
      [new Map(), /value \(Map instance\)/],
    ];
    for (const [value, message] of cases) {
      const error = (() => {
        try {
          serializeCacheValue("k", value, 10_000);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CacheValueError);
      expect((error as CacheValueError).problem).toBe("not_serializable");
      expect((error as Error).message).toMatch(message);
    }
  });

  it("an unreadable entry in Redis is a miss and gets overwritten", async () => {
    const { lines, logger } = memoryLogger();
    const { cache } = isolateCache({ logger });
    const key = freshKey();
    await testRedis().set(keyNames(key).value, "not the cache's format");
    expect(await cache.getOrLoad(key, async () => "fresh", options)).toBe("fresh");
    expect(lines.some((line) => line.msg === "cache: unreadable entry treated as a miss")).toBe(true);
    expect(await isolateCache().cache.getOrLoad(key, async () => "unused", options)).toBe("fresh");
  });

  it("a bad CACHE_* var is a 500 naming the variable, never its value", () => {
    expect(() => loadCacheConfig({ CACHE_PROFILE_TTL_SECONDS: "soon" })).toThrow(/CACHE_PROFILE_TTL_SECONDS/);
    expect(loadCacheConfig({ CACHE_STATS_TTL_SECONDS: "5" }).statsTtlSeconds).toBe(5);
  });
});
