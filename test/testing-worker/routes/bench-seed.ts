/**
 * Benchmark-only seeding (ENABLE_BENCH_ROUTES, AI service token): makes the
 * state the cost-growth benchmarks need in seconds instead of minutes.
 *
 * - Users: registering 10,000 accounts through /auth/register costs one
 *   PBKDF2 hash each (about 50 per second here), so seeded accounts are written
 *   through the same `UserStore.create` registration uses, with the unknowable
 *   DUMMY_PASSWORD_HASH: real rows the quota routes look up, that nobody can
 *   log into.
 * - Ledger rows: each one is a real 1-fen consume through the Wallet object's
 *   own `consume` RPC (idempotency record, balance and ledger in one
 *   transaction), called from inside the Worker: only the HTTP, JWT and rate
 *   limit hops of the public route are skipped.
 *
 * Both are bounded per call (`BENCH_SEED_MAX_PER_CALL`); the bench calls them repeatedly.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { DUMMY_PASSWORD_HASH } from "../../../src/auth/passwords";
import type { AppEnv } from "../../../src/env";
import { ApiError, authErrorResponses, commonErrorResponses } from "../../../src/errors";
import { created, envelopeOf, jsonContent, ok } from "../../../src/lib/envelope";
import { requireServiceToken } from "../../../src/middleware/service-auth";
import { ROLES } from "../../../src/users/user-store";

/** Work one seeding request may do: bounded so no single request runs for long. */
export const BENCH_SEED_MAX_PER_CALL = 1_000;

const BASE = "/api/v1/internal/bench";
const security = [{ serviceToken: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };
const json = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });

const seedUsers = createRoute({
  method: "post",
  path: `${BASE}/users`,
  tags: ["internal"],
  summary: "Benchmark only (ENABLE_BENCH_ROUTES): create accounts nobody can log into, without hashing a password each",
  security,
  request: json(z.object({ count: z.number().int().min(1).max(BENCH_SEED_MAX_PER_CALL), role: z.enum(ROLES).default("reader") })),
  responses: { 201: jsonContent(envelopeOf(z.object({ ids: z.array(z.string()) })), "Created"), ...errors },
});

const seedLedger = createRoute({
  method: "post",
  path: `${BASE}/wallet/{userId}/ledger`,
  tags: ["internal"],
  summary: "Benchmark only (ENABLE_BENCH_ROUTES): add ledger rows to a funded wallet, one 1-fen consume each through the Wallet object's RPC",
  security,
  request: {
    params: z.object({ userId: z.string().min(1).max(64) }),
    ...json(z.object({ rows: z.number().int().min(1).max(BENCH_SEED_MAX_PER_CALL) })),
  },
  responses: { 200: jsonContent(envelopeOf(z.object({ added: z.number().int(), balance: z.number().int() })), "Added"), ...errors },
});

/** Registers the seeding routes; each answers 404 unless ENABLE_BENCH_ROUTES is on. */
export function registerBenchSeedRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(`${BASE}/*`, requireServiceToken(), async function benchRoutesOnly(c, next) {
    if (!c.var.config.ENABLE_BENCH_ROUTES) throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
    await next();
  });

  app.openapi(seedUsers, async (c) => {
    const { count, role } = c.req.valid("json");
    const batch = crypto.randomUUID().slice(0, 8);
    const now = Date.now();
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const username = `bench_${batch}_${index}`;
      const user = await c.var.services.users.create({
        id: crypto.randomUUID(),
        username,
        email: `${username}@bench.invalid`,
        passwordHash: DUMMY_PASSWORD_HASH,
        roles: [role],
        status: "active",
        createdAt: now,
      });
      ids.push(user.id);
    }
    return created(c, { ids });
  });

  app.openapi(seedLedger, async (c) => {
    const { userId } = c.req.valid("param");
    const { rows } = c.req.valid("json");
    let balance = 0;
    // One after another: they all land on the same Wallet object, which runs them one at a time anyway.
    for (let index = 0; index < rows; index++) {
      const result = await c.var.services.wallet.consume(userId, { amount: 1, reason: "bench ledger seed", idempotencyKey: crypto.randomUUID() });
      balance = result.balance;
    }
    return ok(c, { added: rows, balance });
  });
}
