/**
 * The benchmark's quota floors (ENABLE_BENCH_ROUTES, AI service token), beside
 * the production routes under /api/v1/internal/quota/{userId}: a no-op RPC to
 * the user's QuotaCounter (the Durable Object hop alone) and the same
 * check-and-debit as an atomic counter in Redis, the peer design the benchmark
 * compares against. The service token is already required on that prefix by
 * the production routes (src/routes/quota-internal.ts).
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../../src/env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../../../src/errors";
import { dependencyCall } from "../../../src/lib/dependency";
import { envelopeOf, jsonContent, ok } from "../../../src/lib/envelope";
import { measuredStub } from "../../../src/lib/measured-stub";
import { ConsumeInputSchema } from "../../../contract/quota/inputs";
import { planRoleOfUser, policyFor } from "../../../src/quota/service";
import { testingObjects } from "../stubs";

const BASE = "/api/v1/internal/quota/{userId}";
const security = [{ serviceToken: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses, 429: errorResponse("Quota insufficient (code 4291)") };
const userParam = z.object({ userId: z.string().min(1).max(64).openapi({ description: "The user whose quota is spent" }) });

const noop = createRoute({
  method: "post",
  path: `${BASE}/noop`,
  tags: ["internal"],
  summary: "Benchmark only (ENABLE_BENCH_ROUTES): a no-op RPC to the user's QuotaCounter, the Durable Object hop alone",
  security,
  request: { params: userParam },
  responses: { 200: jsonContent(envelopeOf(z.null()), "Done"), ...errors },
});

const redisPeer = createRoute({
  method: "post",
  path: `${BASE}/consume-redis`,
  tags: ["internal"],
  summary: "Benchmark only (ENABLE_BENCH_ROUTES): the same check-and-debit as an atomic counter in Redis over Upstash REST, as Redis-based limiters do",
  security,
  request: { params: userParam, body: { required: true, content: { "application/json": { schema: ConsumeInputSchema } } } },
  responses: { 200: jsonContent(envelopeOf(z.object({ remaining: z.number().int() })), "Charged"), ...errors },
});

// Check-and-debit in one atomic script: the peer design the benchmark compares against.
const REDIS_CONSUME = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount, total = tonumber(ARGV[1]), tonumber(ARGV[2])
if used + amount > total then return -1 end
redis.call('INCRBY', KEYS[1], amount)
redis.call('EXPIRE', KEYS[1], 86400)
return total - used - amount
`;

/** Benchmark-only routes answer 404 unless ENABLE_BENCH_ROUTES is on. */
function assertBenchRoutes(c: Context<AppEnv>): void {
  if (!c.get("config").ENABLE_BENCH_ROUTES) throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
}

/** Registers the no-op and Redis-peer routes; mounted after the production quota routes (their service-token guard). */
export function registerBenchQuotaRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(noop, async (c) => {
    assertBenchRoutes(c);
    // Measured like every production call to the object, so the floor pays what a consume's hop pays.
    await measuredStub(testingObjects(c.env).quotaCounter.getByName(c.req.valid("param").userId), "quota_counter", c.var.metrics).noop();
    return ok(c, null);
  });

  app.openapi(redisPeer, async (c) => {
    assertBenchRoutes(c);
    const { userId } = c.req.valid("param");
    const input = c.req.valid("json");
    const policy = await policyFor(c, await planRoleOfUser(c, userId));
    const total = policy.plan[input.quotaType] ?? Number.MAX_SAFE_INTEGER;
    const remaining = await dependencyCall("redis", () =>
      c.get("services").redis.eval<string[], number>(REDIS_CONSUME, [`peer:quota:${userId}:${input.quotaType}`], [String(input.amount ?? 0), String(total)]),
    );
    if (remaining < 0) throw new ApiError("QUOTA_INSUFFICIENT");
    return ok(c, { remaining });
  });
}
