/**
 * The cache module: get-or-load through Redis with single flight, a fill lock
 * across isolates and invalidation by key and tag (cache.ts). Build one with
 * `c.var.services.cache`; keys and tags live in keys.ts.
 */
export { createCache, type Cache, type CacheReadOptions } from "./cache";
export { DEFAULT_CACHE_CONFIG, loadCacheConfig, type CacheConfig } from "./config";
export { cacheIsolateState, CacheIsolateState } from "./isolate-state";
export { cacheKeys, cacheTags } from "./keys";
export { CacheValueError } from "./serialize";
