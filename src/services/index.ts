import type { Redis } from "@upstash/redis/cloudflare";
import { createAuthService, type AuthService } from "../auth/auth-service";
import { createLoginThrottle } from "../auth/login-throttle";
import { revocationCacheFor, type RevocationCache } from "../auth/revocation";
import { createSessionStore } from "../auth/session-store";
import { cacheIsolateState, createCache, loadCacheConfig, type Cache } from "../cache";
import { invalidatingUserStore } from "../cache/invalidating-user-store";
import type { EnvConfig } from "../config";
import { createLogger } from "../lib/logger";
import { isolateMetrics } from "../metrics/isolate";
import { createUserStore } from "../users";
import type { UserStore } from "../users/user-store";
import type { ConfigSnapshot } from "../../contract/runtime-config/snapshot";
import { cachedRuntimeConfig, getRuntimeConfig } from "../runtime-config/cache";
import { loadWalletConfig } from "../wallet/config";
import { createWalletService, type WalletService } from "../wallet/service";
import { createMessagingService, queueHealthCheck, type MessagingService } from "../messaging/service";
import type { QueueMessageBody } from "../messaging/messages";
import { createStorageService, r2HealthCheck, type StorageService } from "../storage/service";
import { d1HealthCheck, durableObjectHealthCheck } from "./bindings-health";
import type { HealthCheck } from "./health";
import { createRedisRateLimiter, type RateLimiter } from "./rate-limiter";
import { getRedis, redisHealthCheck } from "./redis";

/** Everything a route may use, wired once per request by the init middleware. */
export interface Services {
  redis: Redis;
  rateLimiter: RateLimiter;
  /** The isolate's revocation copy (see auth/revocation.ts). */
  revocations: RevocationCache;
  /** Accounts; every write also invalidates the account's cached views. */
  readonly users: UserStore;
  readonly auth: AuthService;
  /** Get-or-load through Redis (src/cache); reading it validates the CACHE_* config. */
  readonly cache: Cache;
  /** The wallet (Wallet Durable Objects); reading it validates the WALLET_* config. */
  readonly wallet: WalletService;
  /** Uploaded files (R2 + D1 + the byte quota in Redis). */
  readonly storage: StorageService;
  /** Messages to the queue (email codes, account notices). */
  readonly messaging: MessagingService;
  /** The runtime config (ConfigStore), cached per isolate for CONFIG_CACHE_TTL_MS. */
  runtimeConfig(): Promise<ConfigSnapshot>;
  /** The isolate's copy of the runtime config if still fresh (no await); else call `runtimeConfig()`. */
  cachedRuntimeConfig(): ConfigSnapshot | undefined;
  /** One check per dependency and Durable Object namespace, in report order (built on demand: off the hot path). */
  healthChecks(): readonly HealthCheck[];
}

// One Services per (env, config) in the isolate: they hold no request state (each part is per isolate or
// stateless), and building them on every request was about 2 % of a no-op's isolate time (profile, 2026-12-02).
const built = new WeakMap<Env, WeakMap<EnvConfig, Services>>();

/**
 * The services for a request: built once per isolate for its bindings and validated config (`loadConfig`
 * caches the config object, so a changed var gives a new config and new services). Heavier parts are
 * built on first use, so routes that do not need them pay nothing.
 */
export function createServices(env: Env, config: EnvConfig): Services {
  let byConfig = built.get(env);
  if (!byConfig) {
    byConfig = new WeakMap();
    built.set(env, byConfig);
  }
  let services = byConfig.get(config);
  if (!services) {
    services = buildServices(env, config);
    byConfig.set(config, services);
  }
  return services;
}

function buildServices(env: Env, config: EnvConfig): Services {
  const redis = getRedis(config);
  const limits = { timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS, degradedMs: config.HEALTH_DEGRADED_LATENCY_MS };
  const revocations = revocationCacheFor(config.UPSTASH_REDIS_REST_URL);
  let users: UserStore | undefined;
  let auth: AuthService | undefined;
  let cache: Cache | undefined;
  let wallet: WalletService | undefined;
  let storage: StorageService | undefined;
  let messaging: MessagingService | undefined;
  const queue = env.MESSAGES as unknown as Queue<QueueMessageBody>;
  return {
    redis,
    rateLimiter: createRedisRateLimiter(redis),
    revocations,
    get users() {
      return (users ??= invalidatingUserStore(createUserStore(env, config, limits), () => this.cache));
    },
    get cache() {
      return (cache ??= createCache({
        redis,
        config: loadCacheConfig(env),
        state: cacheIsolateState(config.UPSTASH_REDIS_REST_URL),
        metrics: isolateMetrics(),
        logger: createLogger(config.LOG_LEVEL, { component: "cache" }),
      }));
    },
    get auth() {
      return (auth ??= createAuthService({
        config,
        settings: async () => (await this.runtimeConfig()).document.auth,
        users: this.users,
        sessions: createSessionStore(redis),
        throttle: createLoginThrottle(redis),
        revocations,
      }));
    },
    get wallet() {
      return (wallet ??= createWalletService(env, loadWalletConfig(env), this.users));
    },
    get storage() {
      return (storage ??= createStorageService({ bucket: env.FILES, db: env.DB, redis, settings: async () => (await this.runtimeConfig()).document.storage }));
    },
    get messaging() {
      return (messaging ??= createMessagingService(queue));
    },
    runtimeConfig: () => getRuntimeConfig(env.CONFIG_STORE, config.CONFIG_CACHE_TTL_MS),
    cachedRuntimeConfig: () => cachedRuntimeConfig(env.CONFIG_STORE, config.CONFIG_CACHE_TTL_MS),
    healthChecks: () => [
      redisHealthCheck(redis, limits),
      d1HealthCheck(env.DB, limits),
      r2HealthCheck(env.FILES, limits),
      queueHealthCheck(queue),
      durableObjectHealthCheck("quota_counter", env.QUOTA_COUNTER, limits),
      durableObjectHealthCheck("wallet", env.WALLET, limits),
      durableObjectHealthCheck("config_store", env.CONFIG_STORE, limits),
      // Losing metrics must not take the API out of rotation.
      durableObjectHealthCheck("metrics_shard", env.METRICS_SHARD, limits, false),
    ],
  };
}
