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
import { DEFAULT_BASELINE, defineScenario, roundRobin, type RegisteredScenario } from "./scenario.ts";

/**
 * API Worker vars for the bench stack, over the test defaults (ENVIRONMENT=test,
 * LOG_LEVEL=warn). For limits that fixtures would hit, e.g. registering 1,000
 * users from 127.0.0.1 needs REGISTER_MAX_PER_IP raised from its default of 10.
 */
export const STACK_API_VARS: Readonly<Record<string, string>> = {
  REGISTER_MAX_PER_IP: "100000",
  LOGIN_MAX_FAILURES_PER_IP: "100000",
  // Login scenarios would otherwise evict the sessions whose tokens other scenarios use.
  MAX_SESSIONS_PER_USER: "100",
};

/** Every scenario, baseline first. */
export const SCENARIOS: readonly RegisteredScenario[] = [
  defineScenario({
    name: DEFAULT_BASELINE,
    description: "GET /api/v1/system/ping: no-op through the full middleware stack (the baseline)",
    requests: () => [{ method: "GET", path: "/api/v1/system/ping" }],
  }),
  defineScenario({
    name: "health-live",
    description: "GET /health/live: liveness probe, touches no dependency",
    requests: () => [{ method: "GET", path: "/health/live" }],
  }),
  defineScenario({
    name: "auth-noop",
    description: "GET /api/v1/system/ping/auth: the no-op behind the auth middleware (JWT verify + revocation check), 1,000 users' tokens round-robin",
    targets: { minThroughputRatio: 0.9 },
    setup: (ctx) => benchUsers(ctx, 1000),
    requests: (_ctx, users) => roundRobin(users, (user) => ({ method: "GET", path: "/api/v1/system/ping/auth", headers: { authorization: `Bearer ${user.token}` } })),
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
];
