import type { Redis } from "@upstash/redis/cloudflare";
import type { Logger } from "../lib/logger";
import { NO_METRICS, type Metrics } from "../metrics/api";
import type { CacheConfig } from "./config";
import type { CacheIsolateState } from "./isolate-state";
import { CACHE_PREFIX, FILL, INVALIDATE, keyNames, LOCK, PEEK, RELEASE, tagNames, VERSION_TTL_MS } from "./scripts";
import { CacheValueError, deserializeCacheValue, serializeCacheValue } from "./serialize";

/** How one read is cached. */
export interface CacheReadOptions<T = unknown> {
  /** Which cache this is: the `cache` label of the hit/miss metrics and the name in logs. */
  name: string;
  /** Lifetime before jitter; a function when the value itself bounds it (e.g. a ban that ends sooner). */
  ttlSeconds: number | ((value: Exclude<T, undefined>) => number);
  /** Tags to invalidate the entry by (e.g. `user:<id>`). */
  tags?: readonly string[];
  /** Skip the cached copy: load from the source and store the result. */
  refresh?: boolean;
}

/**
 * Get-or-load through Redis. Values the loader returns as `undefined` are
 * never stored (use it for "not found"). When Redis fails or is slow, reads
 * go to the source and invalidations are retried later: the cache never
 * makes a request fail.
 */
export interface Cache {
  getOrLoad<T>(key: string, load: () => Promise<T>, options: CacheReadOptions<T>): Promise<T>;
  /** Drops entries by key. Resolves true when Redis took it, false when it was queued for later. */
  invalidate(keys: string | readonly string[]): Promise<boolean>;
  /** Drops every entry stored with any of these tags. */
  invalidateTags(tags: string | readonly string[]): Promise<boolean>;
}

/** What a cache needs. `state` is per isolate (see cacheIsolateState); tests pass their own to act as another isolate. */
export interface CacheDeps {
  redis: Redis;
  config: CacheConfig;
  state: CacheIsolateState;
  metrics?: Metrics;
  logger?: Logger;
}

class RedisUnavailable extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const list = (items: string | readonly string[]): readonly string[] => (typeof items === "string" ? [items] : items);

/** Builds the cache for one request over the isolate's shared state. */
export function createCache({ redis, config, state, metrics = NO_METRICS, logger }: CacheDeps): Cache {
  /** One Redis call, bounded by CACHE_REDIS_TIMEOUT_MS; a failure pauses Redis use for CACHE_REDIS_RETRY_MS. */
  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${config.redisTimeoutMs} ms`)), config.redisTimeoutMs);
      });
      const running = run();
      // If the timeout wins, the late failure must not surface as an unhandled rejection.
      running.catch(() => undefined);
      return await Promise.race([running, timeout]);
    } catch (error) {
      const wasUp = Date.now() >= state.unavailableUntil;
      state.unavailableUntil = Date.now() + config.redisRetryMs;
      // One line per outage and isolate, not one per read.
      if (wasUp) logger?.warn("cache: Redis unavailable; reading from the source", { operation, error: String(error), retry_in_ms: config.redisRetryMs });
      throw new RedisUnavailable(operation, { cause: error });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  function runInvalidation(keys: readonly string[], tags: readonly string[]): Promise<unknown> {
    const redisKeys: string[] = [];
    for (const key of keys) {
      const names = keyNames(key);
      redisKeys.push(names.value, names.lock, names.version);
    }
    for (const tag of tags) {
      const names = tagNames(tag);
      redisKeys.push(names.version, names.members);
    }
    return call("invalidate", () => redis.eval(INVALIDATE, redisKeys, [CACHE_PREFIX, String(VERSION_TTL_MS), String(keys.length)]));
  }

  /** Whether Redis may be used now; first applies invalidations it missed, so this isolate never reads what it knows is stale. */
  async function redisReady(): Promise<boolean> {
    if (Date.now() < state.unavailableUntil) return false;
    if (state.droppedInvalidations > 0) {
      logger?.warn("cache: invalidations dropped while Redis was unavailable; those entries expire with their TTL", { dropped: state.droppedInvalidations });
      state.droppedInvalidations = 0;
    }
    if (state.pendingKeys.size + state.pendingTags.size === 0) return true;
    const pending = state.takePending();
    try {
      await runInvalidation(pending.keys, pending.tags);
      return true;
    } catch {
      state.queue(pending.keys, pending.tags);
      return false;
    }
  }

  function decode<T>(key: string, stored: unknown): { hit: true; value: T } | { hit: false } {
    if (stored === null || stored === undefined) return { hit: false };
    const decoded = deserializeCacheValue<T>(stored);
    if (decoded.ok) return { hit: true, value: decoded.value };
    logger?.warn("cache: unreadable entry treated as a miss", { key });
    return { hit: false };
  }

  /** Waits (bounded) for the lock holder in another request or isolate to store the value. */
  async function waitForFill<T>(key: string): Promise<{ hit: true; value: T } | { hit: false }> {
    const names = keyNames(key);
    const deadline = Date.now() + config.lockWaitMs;
    while (Date.now() < deadline) {
      await sleep(Math.min(config.lockPollMs, Math.max(0, deadline - Date.now())));
      const [stored, locked] = await call("peek", () => redis.eval<string[], [unknown, number]>(PEEK, [names.value, names.lock], []));
      const found = decode<T>(key, stored);
      if (found.hit || Number(locked) === 0) return found;
    }
    return { hit: false };
  }

  async function fill<T>(key: string, value: Exclude<T, undefined>, stamp: string, token: string, options: CacheReadOptions<T>): Promise<void> {
    let payload: string;
    try {
      payload = serializeCacheValue(key, value, config.maxValueBytes);
    } catch (error) {
      if (!(error instanceof CacheValueError)) throw error;
      logger?.warn("cache: value not cached", { cache: options.name, key, problem: error.problem, error: error.message });
      await call("release", () => redis.eval(RELEASE, [keyNames(key).lock], [token])).catch(() => undefined);
      return;
    }
    const tags = options.tags ?? [];
    const names = keyNames(key);
    const ttlSeconds = typeof options.ttlSeconds === "function" ? options.ttlSeconds(value) : options.ttlSeconds;
    if (!(ttlSeconds > 0)) {
      await call("release", () => redis.eval(RELEASE, [names.lock], [token])).catch(() => undefined);
      return;
    }
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000 * (1 + (Math.random() * config.jitterPercent) / 100)));
    await call("fill", () =>
      redis.eval(
        FILL,
        [names.value, names.version, names.lock, ...tags.map((tag) => tagNames(tag).version), ...tags.map((tag) => tagNames(tag).members)],
        [stamp, payload, String(ttlMs), token, key, String(tags.length)],
      ),
    ).catch(() => undefined);
  }

  /** One read for the isolate: Redis, else the lock, else wait for the holder, else the source. */
  async function lookup<T>(key: string, load: () => Promise<T>, options: CacheReadOptions<T>): Promise<{ value: T; fromCache: boolean }> {
    if (!(await redisReady())) return { value: await load(), fromCache: false };
    const names = keyNames(key);
    const tags = options.tags ?? [];
    let lock: [number, string];
    const token = crypto.randomUUID();
    try {
      if (!options.refresh) {
        const found = decode<T>(key, await call("get", () => redis.get<unknown>(names.value)));
        if (found.hit) return { value: found.value, fromCache: true };
      }
      const [acquired, stamp] = await call("lock", () =>
        redis.eval<string[], [number, string | number]>(
          LOCK,
          [names.lock, names.version, ...tags.map((tag) => tagNames(tag).version)],
          [token, String(config.lockTtlMs)],
        ),
      );
      // The client JSON-parses replies, so a stamp of "0" comes back as the number 0.
      lock = [Number(acquired), String(stamp)];
      if (lock[0] !== 1 && !options.refresh) {
        const found = await waitForFill<T>(key);
        if (found.hit) return { value: found.value, fromCache: true };
      }
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      return { value: await load(), fromCache: false };
    }
    const release = async () => {
      if (lock[0] === 1) await call("release", () => redis.eval(RELEASE, [names.lock], [token])).catch(() => undefined);
    };
    let value: T;
    try {
      value = await load();
    } catch (error) {
      await release();
      throw error;
    }
    if (value === undefined) await release();
    else await fill(key, value as Exclude<T, undefined>, lock[1], token, options);
    return { value, fromCache: false };
  }

  function count(name: string, fromCache: boolean): void {
    if (fromCache) metrics.inc("qingyu_cache_hits_total", { cache: name });
    else metrics.inc("qingyu_cache_misses_total", { cache: name });
  }

  async function invalidateAll(keys: readonly string[], tags: readonly string[]): Promise<boolean> {
    state.forgetFlights(keys, tags);
    if (!(await redisReady())) {
      state.queue(keys, tags);
      return false;
    }
    try {
      await runInvalidation(keys, tags);
      return true;
    } catch {
      state.queue(keys, tags);
      logger?.warn("cache: invalidation queued until Redis answers", { keys, tags });
      return false;
    }
  }

  return {
    async getOrLoad<T>(key: string, load: () => Promise<T>, options: CacheReadOptions<T>): Promise<T> {
      const joined = options.refresh ? undefined : state.flights.get(key);
      if (joined) {
        const result = await joined.promise;
        count(options.name, result.fromCache);
        return result.value as T;
      }
      const flight = { promise: lookup(key, load, options), tags: options.tags ?? [] };
      state.flights.set(key, flight);
      try {
        const result = await flight.promise;
        count(options.name, result.fromCache);
        return result.value;
      } finally {
        if (state.flights.get(key) === flight) state.flights.delete(key);
      }
    },

    invalidate: (keys) => invalidateAll(list(keys), []),
    invalidateTags: (tags) => invalidateAll([], list(tags)),
  };
}
