/**
 * Helpers for the cache tests (imported by tests only): a cache over the test
 * Redis with its own isolate state, so each call acts as a separate isolate,
 * and a metrics recorder that counts hits and misses.
 */
import { env } from "cloudflare:workers";
import type { Logger } from "../lib/logger";
import type { Metrics } from "../metrics/api";
import { getRedis } from "../services/redis";
import { createCache, type Cache } from "./cache";
import { DEFAULT_CACHE_CONFIG, type CacheConfig } from "./config";
import { CacheIsolateState } from "./isolate-state";

/** The test Redis (through the bridge), or the same URL with a token the bridge refuses: every call then fails, as in an outage. */
export function testRedis(up = true) {
  return getRedis({
    UPSTASH_REDIS_REST_URL: env.UPSTASH_REDIS_REST_URL,
    UPSTASH_REDIS_REST_TOKEN: up ? env.UPSTASH_REDIS_REST_TOKEN : "a-token-the-bridge-refuses-0000",
  });
}

/** Counts hits and misses by cache name. */
export function countingMetrics() {
  const counts = { hits: 0, misses: 0 };
  const metrics: Metrics = {
    inc(name, _labels, by = 1) {
      if (name === "qingyu_cache_hits_total") counts.hits += by;
      if (name === "qingyu_cache_misses_total") counts.misses += by;
    },
    add() {},
    set() {},
    observe() {},
  };
  return { counts, metrics };
}

/** A logger that keeps its lines for assertions. */
export function memoryLogger() {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: (msg, fields = {}) => lines.push({ level: "debug", msg, fields }),
    info: (msg, fields = {}) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields = {}) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields = {}) => lines.push({ level: "error", msg, fields }),
    child: () => logger,
  };
  return { lines, logger };
}

/** A cache acting as one isolate: its own single-flight table and Redis back-off state unless `state` is shared. */
export function isolateCache(options: { config?: Partial<CacheConfig>; up?: boolean; state?: CacheIsolateState; metrics?: Metrics; logger?: Logger } = {}): {
  cache: Cache;
  state: CacheIsolateState;
} {
  const state = options.state ?? new CacheIsolateState();
  const cache = createCache({
    redis: testRedis(options.up ?? true),
    config: { ...DEFAULT_CACHE_CONFIG, ...options.config },
    state,
    metrics: options.metrics,
    logger: options.logger,
  });
  return { cache, state };
}

/** A key no other test uses. */
export const freshKey = (prefix = "test") => `${prefix}:${crypto.randomUUID()}`;

/** A loader that counts its calls and can be slowed down. */
export function countingLoader<T>(value: () => T, delayMs = 0) {
  const loader = {
    calls: 0,
    load: async (): Promise<T> => {
      loader.calls += 1;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value();
    },
  };
  return loader;
}
