/**
 * The benchmark scenarios, in the order they run. Add new ones here (one
 * `defineScenario` each); `BENCH_ONLY=name,...` picks a subset at run time.
 *
 * A scenario with per-user requests registers its users in `setup` (shared
 * through `ctx.once` when several scenarios need the same users) and rotates
 * over them with `roundRobin`, e.g.:
 *
 *   defineScenario({
 *     name: "auth-noop",
 *     description: "GET /api/v1/system/ping/auth with 1,000 users' tokens, round-robin",
 *     targets: { minThroughputRatio: 0.9, maxP99Ratio: 1.5 },
 *     setup: (ctx) => benchUsers(ctx),          // once-shared: [{ id, token }, ...]
 *     requests: (_ctx, users) => roundRobin(users, (user) => ({
 *       path: "/api/v1/system/ping/auth",
 *       headers: { authorization: `Bearer ${user.token}` },
 *     })),
 *   }),
 */
import { benchUsers } from "./fixtures.ts";
import { internalPost, SERVICE_TOKEN } from "./internal.ts";
import { REFERENCE, REFERENCE_NOOP, REFERENCE_NOOP_RPC, REFERENCE_WALLET_DEBIT, referenceConsume } from "./reference-scenarios.ts";
import { SCALE_SCENARIOS } from "./scale-scenarios.ts";
import { DEFAULT_BASELINE, defineScenario, OBJECTS_WARMUP_S, roundRobin, type BenchRequest, type RegisteredScenario } from "./scenario.ts";
import { PRICED_CONSUME } from "./priced-scenarios.ts";
import { consumeOne, hotUser, QUOTA_OBJECTS, reserveThenCommit, wakeQuotaObjects, warmQuotaUsers } from "./quota-fixtures.ts";
import { WALLET_BENCH_RUNTIME_CONFIG, WALLET_BENCH_VARS, WALLET_SCENARIOS } from "./wallet-scenarios.ts";

/** API Worker vars for the bench stack, over the test defaults (ENVIRONMENT=test, LOG_LEVEL=warn). */
export const STACK_API_VARS: Readonly<Record<string, string>> = {
  AI_SERVICE_TOKEN: SERVICE_TOKEN,
  ENABLE_BENCH_ROUTES: "true",
  ...WALLET_BENCH_VARS,
};

/**
 * Runtime-config changes the bench applies through the admin API before any
 * fixture is made: limits that fixtures would hit, e.g. registering 1,000 users
 * from 127.0.0.1 needs the per-IP register limit raised from its default of 10.
 */
export const STACK_RUNTIME_CONFIG = {
  auth: {
    registerLimit: { limit: 100_000 },
    loginThrottle: { maxFailuresPerIp: 100_000 },
    // Login scenarios would otherwise evict the sessions whose tokens other scenarios use.
    maxSessionsPerUser: 100,
    // Users are registered before the long seeding and warming steps; on a busy machine their
    // tokens outlived the default 15 minutes before being measured. Verifying a token costs the same either way.
    accessTokenTtlSeconds: 86_400,
  },
  ...WALLET_BENCH_RUNTIME_CONFIG,
};

/** Recording paused for one scenario's run, on the same stack (`metrics.recording` in the runtime config). */
const RECORDING_PAUSED = { metrics: { recording: false } };

/** The noop request: GET /api/v1/system/ping. */
const ping = (): BenchRequest[] => [{ method: "GET", path: "/api/v1/system/ping" }];

/** Every scenario, baseline first; a metrics-off twin runs right after its scenario. */
export const SCENARIOS: readonly RegisteredScenario[] = [
  REFERENCE_NOOP,
  defineScenario({
    name: DEFAULT_BASELINE,
    description: "GET /api/v1/system/ping: no-op through the full middleware stack (the baseline of our other routes); ≥ 0.9× the bare Hono no-op",
    baseline: REFERENCE.noop,
    targets: { minThroughputRatio: 0.9 },
    requests: ping,
  }),
  defineScenario({
    name: "noop-metrics-off",
    description:
      "The noop scenario with metric recording paused (runtime config metrics.recording=false, same stack): with metrics, throughput must be ≥ 0.95× this",
    runtimeConfig: RECORDING_PAUSED,
    targets: { maxThroughputRatio: 1 / 0.95 },
    requests: ping,
  }),
  defineScenario({
    name: "health-live",
    description: "GET /health/live: liveness probe, touches no dependency",
    requests: () => [{ method: "GET", path: "/health/live" }],
  }),
  defineScenario({
    name: "auth-noop",
    description:
      "GET /api/v1/system/ping/auth: the no-op behind the auth middleware (JWT verify + revocation check), 1,000 users' tokens round-robin; ≥ 0.9× the bare Hono no-op",
    baseline: REFERENCE.noop,
    alsoVs: [DEFAULT_BASELINE],
    targets: { minThroughputRatio: 0.9 },
    setup: (ctx) => benchUsers(ctx, 1000),
    requests: (_ctx, users) =>
      roundRobin(users, (user) => ({ method: "GET", path: "/api/v1/system/ping/auth", headers: { authorization: `Bearer ${user.token}` } })),
  }),
  REFERENCE_NOOP_RPC,
  defineScenario({
    name: "quota-noop-rpc",
    description:
      "POST /api/v1/internal/quota/{userId}/noop: service token + a no-op RPC to the user's QuotaCounter, 1,000 users round-robin; ≥ 0.9× the bare no-op RPC",
    baseline: REFERENCE.noopRpc,
    targets: { minThroughputRatio: 0.9 },
    setup: warmQuotaUsers,
    objects: QUOTA_OBJECTS,
    beforeRun: wakeQuotaObjects,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) => roundRobin(users, (user) => internalPost(`/api/v1/internal/quota/${user.id}/noop`)),
  }),
  referenceConsume(1_000),
  defineScenario({
    name: "quota-consume",
    description:
      "POST /api/v1/internal/quota/{userId}/consume of 1 token, 1,000 users round-robin (atomic check-and-debit + ledger row + idempotency key in the user's DO); ≥ 0.9× the bare durable consume, p99 ≤ 1.5×",
    baseline: REFERENCE.consume,
    alsoVs: ["quota-noop-rpc"],
    targets: { minThroughputRatio: 0.9, maxP99Ratio: 1.5 },
    setup: warmQuotaUsers,
    objects: QUOTA_OBJECTS,
    beforeRun: wakeQuotaObjects,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) => consumeOne(users),
  }),
  PRICED_CONSUME,
  defineScenario({
    name: "quota-consume-hot-user",
    description:
      "POST /api/v1/internal/quota/{userId}/consume of 1 token for one user from every connection at once (consumes that arrive while the object is busy share its commits); ≥ 1.0× the 1,000-user consume",
    baseline: "quota-consume",
    targets: { minThroughputRatio: 1 },
    setup: hotUser,
    objects: "hot-user",
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, id) => roundRobin([id], (userId) => internalPost(`/api/v1/internal/quota/${userId}/consume`, { amount: 1, service: "bench", requestId: crypto.randomUUID() })),
  }),
  defineScenario({
    name: "quota-consume-metrics-off",
    description: "The quota-consume scenario with metric recording paused (same stack, API and Durable Objects): with metrics, throughput must be ≥ 0.95× this",
    baseline: "quota-consume",
    runtimeConfig: RECORDING_PAUSED,
    targets: { maxThroughputRatio: 1 / 0.95 },
    setup: warmQuotaUsers,
    objects: QUOTA_OBJECTS,
    beforeRun: wakeQuotaObjects,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) => consumeOne(users),
  }),
  defineScenario({
    name: "quota-reserve-commit",
    description:
      "POST /api/v1/internal/quota/{userId}/reservations of 10 tokens, then POST …/reservations/{id}/commit of the 7 actually used, 1,000 users round-robin; req/s counts both requests (iterations/s is half), so its floor is the bare durable consume's req/s (two durable consumes per iteration); ≥ 0.9× that",
    baseline: REFERENCE.consume,
    alsoVs: ["quota-noop-rpc"],
    targets: { minThroughputRatio: 0.9 },
    setup: warmQuotaUsers,
    objects: QUOTA_OBJECTS,
    beforeRun: wakeQuotaObjects,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) => reserveThenCommit(users),
  }),
  defineScenario({
    name: "quota-reserve-commit-metrics-off",
    description:
      "The quota-reserve-commit scenario with metric recording paused (same stack, API and Durable Objects): with metrics, throughput must be ≥ 0.95× this",
    baseline: "quota-reserve-commit",
    runtimeConfig: RECORDING_PAUSED,
    targets: { maxThroughputRatio: 1 / 0.95 },
    setup: warmQuotaUsers,
    objects: QUOTA_OBJECTS,
    beforeRun: wakeQuotaObjects,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) => reserveThenCommit(users),
  }),
  defineScenario({
    name: "quota-consume-redis-peer",
    description:
      "The same consume as an atomic counter in Redis through the Upstash REST path (how Redis-based limiters work), through the same Worker and middleware; ours must be at least as fast",
    baseline: "quota-consume",
    targets: { maxThroughputRatio: 1 },
    setup: (ctx) => benchUsers(ctx, 1000),
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) =>
      roundRobin(users, (user) =>
        internalPost(`/api/v1/internal/quota/${user.id}/consume-redis`, { amount: 1, service: "bench", requestId: crypto.randomUUID() }),
      ),
  }),
  defineScenario({
    name: "login",
    description: "POST /api/v1/shared/auth/login, 100 users round-robin (PBKDF2-SHA256, 100,000 iterations, dominates)",
    setup: (ctx) => benchUsers(ctx, 100, "login-users"),
    requests: (_ctx, users) =>
      roundRobin(users, (user) => ({
        method: "POST",
        path: "/api/v1/shared/auth/login",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: user.username, password: user.password }),
      })),
  }),
  REFERENCE_WALLET_DEBIT,
  ...WALLET_SCENARIOS,
  referenceConsume(10),
  referenceConsume(10_000),
  ...SCALE_SCENARIOS,
];
