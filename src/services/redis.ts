import { Redis } from "@upstash/redis/cloudflare";
import type { EnvConfig } from "../config";
import { dependencyErrorKind, recordDependencyCall } from "../lib/dependency";
import { recordsCounters } from "../metrics/api";
import { isolateMetrics } from "../metrics/isolate";
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
    measureCalls(client);
    clients.set(key, client);
  }
  return client;
}

/**
 * The `operation` label of one REST call: the command name for a single
 * command, `pipeline` or `multi_exec` for a batch. Command names come from our
 * code, never from input, and anything unexpected is folded into `other`.
 */
export function redisOperation(path: readonly string[] | undefined, body: unknown): string {
  if (path && path.length > 0) return path[0] === "multi-exec" ? "multi_exec" : path[0] === "pipeline" ? "pipeline" : "other";
  const command = Array.isArray(body) ? String(body[0] ?? "").toLowerCase() : "";
  return /^[a-z][a-z.]{0,31}$/.test(command) ? command : "other";
}

/**
 * Counts every REST round trip of the client (commands, pipelines, the
 * revocation sync, the health check's PING) in the dependency-call families,
 * at the one place all of them pass. A reply that carries a Redis error
 * counts as an `error`; a failed or refused HTTP call as `unavailable`.
 */
function measureCalls(client: Redis): void {
  client.use(async (request, next) => {
    const metrics = isolateMetrics();
    if (!recordsCounters(metrics)) return next(request);
    const operation = redisOperation(request.path, request.body);
    const startedAt = performance.now();
    try {
      const response = await next(request);
      recordDependencyCall(metrics, "redis", operation, (performance.now() - startedAt) / 1000, response.error ? "error" : null);
      return response;
    } catch (error) {
      recordDependencyCall(metrics, "redis", operation, (performance.now() - startedAt) / 1000, dependencyErrorKind(error));
      throw error;
    }
  });
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
