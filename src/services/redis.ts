import { Redis } from "@upstash/redis/cloudflare";
import type { EnvConfig } from "../config";
import { timedProbe, type HealthCheck } from "./health";

const clients = new Map<string, Redis>();

/**
 * The isolate's Upstash Redis client (REST over fetch, so one per isolate is
 * enough). One quick retry only: a request should fail fast and let the
 * caller's degraded-mode policy decide, rather than wait out long backoffs.
 * Auto-pipelining is off so each call's failure stays its own; code that
 * wants one round trip for several commands asks for a pipeline explicitly.
 */
export function getRedis(config: Pick<EnvConfig, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">): Redis {
  const key = `${config.UPSTASH_REDIS_REST_URL}\u0000${config.UPSTASH_REDIS_REST_TOKEN}`;
  let client = clients.get(key);
  if (!client) {
    client = new Redis({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      retry: { retries: 1, backoff: () => 25 },
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
    clients.set(key, client);
  }
  return client;
}

/** Health of Redis through the same REST path the API uses (PING). */
export function redisHealthCheck(redis: Redis, limits: { timeoutMs: number; degradedMs: number }): HealthCheck {
  return {
    name: "redis",
    kind: "dependency",
    critical: true,
    version: () => "upstash-rest",
    health: () =>
      timedProbe(async () => {
        const reply = await redis.ping();
        if (reply !== "PONG") throw new Error(`unexpected PING reply`);
      }, limits),
  };
}
