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
import { benchUsers, type BenchUser } from "./fixtures.ts";
import { internalPost, SERVICE_HEADERS, SERVICE_TOKEN } from "./internal.ts";
import { REFERENCE, REFERENCE_NOOP, REFERENCE_NOOP_RPC, REFERENCE_WALLET_DEBIT, referenceConsume } from "./reference-scenarios.ts";
import { SCALE_SCENARIOS } from "./scale-scenarios.ts";
import { DEFAULT_BASELINE, defineScenario, mapConcurrent, OBJECTS_WARMUP_S, roundRobin, type BenchRequest, type RegisteredScenario, type ScenarioContext } from "./scenario.ts";
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

/**
 * The 1,000 users with their QuotaCounter objects created and their quota rows
 * made (one consume each), so the run measures steady state, not first touch.
 */
function warmQuotaUsers(ctx: ScenarioContext) {
  return ctx.once("quota-warm", async () => {
    const users = await benchUsers(ctx, 1000);
    ctx.progress("warming 1,000 QuotaCounter objects");
    await mapConcurrent(users, 16, (user) =>
      ctx.fetchJson(`/api/v1/internal/quota/${user.id}/consume`, {
        method: "POST",
        headers: SERVICE_HEADERS,
        json: { amount: 1, service: "bench-warmup", requestId: crypto.randomUUID() },
      }),
    );
    return users;
  });
}

/**
 * Wakes the 1,000 users' QuotaCounter objects (one no-op RPC each) right
 * before a measured run. Local workerd closes idle objects (a 1,000-user run
 * right after a pause reopened every one and ran at half the speed of the
 * next), and a 2 s warm-up reaches only part of 1,000: without this, whichever
 * scenario comes first after a pause pays for reopening them. Untimed.
 */
async function wakeQuotaObjects(ctx: ScenarioContext): Promise<void> {
  const users = await warmQuotaUsers(ctx);
  await mapConcurrent(users, 16, (user) => ctx.fetchJson(`/api/v1/internal/quota/${user.id}/noop`, { method: "POST", headers: SERVICE_HEADERS }));
}

/**
 * One seeded signed_writer (200,000 tokens a day: a whole run of one user's consumes fits), with its QuotaCounter made.
 * Seeded through the bench-only route: only its D1 row (the plan role) is needed.
 */
function hotUser(ctx: ScenarioContext): Promise<string> {
  return ctx.once("hot-user", async () => {
    const seeded = await ctx.fetchJson<{ data: { ids: string[] } }>("/api/v1/internal/bench/users", {
      headers: SERVICE_HEADERS,
      json: { count: 1, role: "signed_writer" },
    });
    const [id] = seeded.data.ids;
    if (id === undefined) throw new Error("seeding the hot user returned no id");
    await ctx.fetchJson(`/api/v1/internal/quota/${id}/consume`, { headers: SERVICE_HEADERS, json: { amount: 1, service: "bench-warmup", requestId: crypto.randomUUID() } });
    return id;
  });
}

/**
 * The reserve/commit pair as a two-entry sequence per connection: the reserve's
 * answer leaves its reservation id in the connection's context for the commit.
 * A failed reserve (already counted as non-2xx) skips its commit.
 */
function reserveThenCommit(users: readonly BenchUser[]): BenchRequest[] {
  let next = 0;
  return [
    {
      setupRequest: (request, context) => {
        const user = users[next++ % users.length] as BenchUser;
        context.userId = user.id;
        const body = { amount: 10, service: "bench", requestId: crypto.randomUUID() };
        return { ...request, ...internalPost(`/api/v1/internal/quota/${user.id}/reservations`, body) };
      },
      onResponse: (status, body, context) => {
        if (status === 201) context.reservationId = (JSON.parse(body) as { data: { reservation: { id: string } } }).data.reservation.id;
      },
    },
    {
      setupRequest: (request, context) =>
        typeof context.reservationId === "string"
          ? { ...request, ...internalPost(`/api/v1/internal/quota/${String(context.userId)}/reservations/${context.reservationId}/commit`, { actual: 7 }) }
          : null,
    },
  ];
}


/** The 1,000 bench users' QuotaCounter objects, which the quota scenarios keep awake (see `objects` in scenario.ts). */
const QUOTA_OBJECTS = "quota-users";

/** Recording paused for one scenario's run, on the same stack (`metrics.recording` in the runtime config). */
const RECORDING_PAUSED = { metrics: { recording: false } };

/** The noop request: GET /api/v1/system/ping. */
const ping = (): BenchRequest[] => [{ method: "GET", path: "/api/v1/system/ping" }];

/** One token consumed per request, over the warmed users round-robin, each with a fresh requestId. */
const consumeOne = (users: readonly BenchUser[]): BenchRequest[] =>
  roundRobin(users, (user) => internalPost(`/api/v1/internal/quota/${user.id}/consume`, { amount: 1, service: "bench", requestId: crypto.randomUUID() }));

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
