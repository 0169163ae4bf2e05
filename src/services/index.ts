import type { Redis } from "@upstash/redis/cloudflare";
import type { EnvConfig } from "../config";
import { d1HealthCheck, durableObjectHealthCheck } from "./bindings-health";
import type { HealthCheck } from "./health";
import { createRedisRateLimiter, type RateLimiter } from "./rate-limiter";
import { getRedis, redisHealthCheck } from "./redis";

/** Everything a route may use, wired once per request by the init middleware. */
export interface Services {
  redis: Redis;
  rateLimiter: RateLimiter;
  /** One check per dependency and Durable Object namespace, in report order (built on demand: off the hot path). */
  healthChecks(): readonly HealthCheck[];
}

/** Builds the services for one request from the bindings and validated config. */
export function createServices(env: Env, config: EnvConfig): Services {
  const redis = getRedis(config);
  const limits = { timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS, degradedMs: config.HEALTH_DEGRADED_LATENCY_MS };
  return {
    redis,
    rateLimiter: createRedisRateLimiter(redis),
    healthChecks: () => [
      redisHealthCheck(redis, limits),
      d1HealthCheck(env.DB, limits),
      durableObjectHealthCheck("quota_counter", env.QUOTA_COUNTER, limits),
      durableObjectHealthCheck("wallet", env.WALLET, limits),
      // Losing metrics must not take the API out of rotation.
      durableObjectHealthCheck("metrics_shard", env.METRICS_SHARD, limits, false),
    ],
  };
}
