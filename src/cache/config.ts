/**
 * The cache's deploy-time settings (CACHE_* vars), each with a documented
 * default, validated once per env object like the other config modules.
 */
import { z } from "zod";
import { ApiError } from "../errors";

const intFromString = (name: string, min: number, max: number) =>
  z.string().regex(/^\d+$/, `${name} must be a whole number`).transform(Number).pipe(z.number().int().min(min).max(max));

/** Every CACHE_* variable with its default. */
export const CacheConfigSchema = z.object({
  /** How long a user's profile (and the admin's view of a user) stays cached; writes invalidate it sooner. */
  CACHE_PROFILE_TTL_SECONDS: intFromString("CACHE_PROFILE_TTL_SECONDS", 1, 86_400).default(300),
  /** How long admin statistics are reused before they are computed again. */
  CACHE_STATS_TTL_SECONDS: intFromString("CACHE_STATS_TTL_SECONDS", 1, 3_600).default(30),
  /** Each entry lives TTL plus up to this percentage more, so entries written together do not expire together. */
  CACHE_TTL_JITTER_PERCENT: intFromString("CACHE_TTL_JITTER_PERCENT", 0, 100).default(10),
  /** The cross-isolate fill lock expires after this, so a crashed holder cannot block a key. */
  CACHE_LOCK_TTL_MS: intFromString("CACHE_LOCK_TTL_MS", 100, 60_000).default(5_000),
  /** Readers that lost the lock wait at most this long for the holder's value, then load from the source themselves. */
  CACHE_LOCK_WAIT_MS: intFromString("CACHE_LOCK_WAIT_MS", 0, 30_000).default(1_000),
  /** How often a waiting reader looks for the holder's value. */
  CACHE_LOCK_POLL_MS: intFromString("CACHE_LOCK_POLL_MS", 5, 5_000).default(25),
  /** Largest serialized value; a larger one is not cached (and logged), the read still succeeds. */
  CACHE_MAX_VALUE_BYTES: intFromString("CACHE_MAX_VALUE_BYTES", 64, 1_048_576).default(65_536),
  /** A cache call to Redis slower than this counts as failed, and the read goes to the source. */
  CACHE_REDIS_TIMEOUT_MS: intFromString("CACHE_REDIS_TIMEOUT_MS", 10, 10_000).default(500),
  /** After a Redis failure the isolate skips the cache for this long instead of paying the failure on every read. */
  CACHE_REDIS_RETRY_MS: intFromString("CACHE_REDIS_RETRY_MS", 0, 60_000).default(1_000),
});

/** Parsed cache settings. */
export interface CacheConfig {
  profileTtlSeconds: number;
  statsTtlSeconds: number;
  jitterPercent: number;
  lockTtlMs: number;
  lockWaitMs: number;
  lockPollMs: number;
  maxValueBytes: number;
  redisTimeoutMs: number;
  redisRetryMs: number;
}

const cache = new WeakMap<object, CacheConfig>();

/**
 * Reads the CACHE_* vars (cached per env object). A bad value throws the 500
 * envelope error naming the variable, never its value.
 */
export function loadCacheConfig(env: object): CacheConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const source = env as Record<string, unknown>;
  const input = Object.fromEntries(Object.keys(CacheConfigSchema.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]));
  const parsed = CacheConfigSchema.safeParse(input);
  if (!parsed.success) {
    const details: Record<string, string> = {};
    for (const issue of parsed.error.issues) details[String(issue.path[0] ?? "env")] ??= issue.message;
    throw new ApiError("INTERNAL", `invalid server configuration: ${Object.keys(details).join(", ")}`, { details: { config: details } });
  }
  const data = parsed.data;
  const config: CacheConfig = {
    profileTtlSeconds: data.CACHE_PROFILE_TTL_SECONDS,
    statsTtlSeconds: data.CACHE_STATS_TTL_SECONDS,
    jitterPercent: data.CACHE_TTL_JITTER_PERCENT,
    lockTtlMs: data.CACHE_LOCK_TTL_MS,
    lockWaitMs: data.CACHE_LOCK_WAIT_MS,
    lockPollMs: data.CACHE_LOCK_POLL_MS,
    maxValueBytes: data.CACHE_MAX_VALUE_BYTES,
    redisTimeoutMs: data.CACHE_REDIS_TIMEOUT_MS,
    redisRetryMs: data.CACHE_REDIS_RETRY_MS,
  };
  cache.set(env, config);
  return config;
}

/** The defaults, for tests and code that builds a cache outside a request. */
export const DEFAULT_CACHE_CONFIG: CacheConfig = loadCacheConfig({});
