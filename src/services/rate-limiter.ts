import type { Redis } from "@upstash/redis/cloudflare";

/** Outcome of counting one hit against a limit. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the current window ends. */
  resetAt: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision>;
}

// One round trip, atomic in Redis: count the hit and start the window's expiry on
// the first one. (Plain EVAL: the `#!lua flags=` shebang is rejected by Redis 7.0.)
const FIXED_WINDOW_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

/**
 * Fixed-window limiter in Redis, shared by every isolate.
 *
 * @example await createRedisRateLimiter(redis).hit(`login:ip:${ip}`, 20, 900)
 */
export function createRedisRateLimiter(redis: Redis, prefix = "rl:"): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      const [count, ttlMs] = await redis.eval<[string], [number, number]>(FIXED_WINDOW_SCRIPT, [prefix + key], [String(windowSeconds * 1000)]);
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetAt: Date.now() + ttlMs,
      };
    },
  };
}
