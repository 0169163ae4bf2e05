/**
 * Fault injection for the fault tests (`test/faults/`): crash one user's
 * Wallet object, hold its outbox deliveries, or make one metrics shard slow.
 * Only the testing Worker mounts them. Like the benchmark routes, they take
 * the AI service token and answer 404 unless ENABLE_BENCH_ROUTES is on; the
 * objects check the flag again (../test-hooks.ts).
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../../src/env";
import { ApiError, authErrorResponses, commonErrorResponses } from "../../../src/errors";
import { envelopeOf, jsonContent, ok } from "../../../src/lib/envelope";
import { shardName } from "../../../contract/metrics/wire";
import { requireServiceToken } from "../../../src/middleware/service-auth";
import { testingObjects } from "../stubs";

const BASE = "/api/v1/internal/faults";
const security = [{ serviceToken: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

const crashWallet = createRoute({
  method: "post",
  path: `${BASE}/wallets/{userId}/crash`,
  tags: ["internal"],
  summary: "Test only (ENABLE_BENCH_ROUTES): resets the user's Wallet object with ctx.abort(), as an eviction or crash would",
  security,
  request: { params: z.object({ userId: z.string().min(1).max(64) }) },
  responses: {
    200: jsonContent(
      envelopeOf(z.object({ crashed: z.literal(true), error: z.string().openapi({ description: "What the aborted call failed with" }) })),
      "The object was reset",
    ),
    ...errors,
  },
});

const holdWalletOutbox = createRoute({
  method: "put",
  path: `${BASE}/wallets/{userId}/outbox-hold`,
  tags: ["internal"],
  summary:
    "Test only (ENABLE_BENCH_ROUTES): while held, the user's Wallet fails every outbox delivery before it leaves (messages stay pending and are retried); in memory only, so a restart of the object ends it",
  security,
  request: {
    params: z.object({ userId: z.string().min(1).max(64) }),
    body: { required: true, content: { "application/json": { schema: z.object({ held: z.boolean() }) } } },
  },
  responses: {
    200: jsonContent(
      envelopeOf(
        z.object({
          held: z.boolean(),
          failedDeliveries: z.number().int().openapi({ description: "Sends this Wallet instance failed because of the hold since it started" }),
        }),
      ),
      "The hold in force",
    ),
    ...errors,
  },
});

const slowShard = createRoute({
  method: "put",
  path: `${BASE}/metrics-shards/{shard}/delay`,
  tags: ["internal"],
  summary: "Test only (ENABLE_BENCH_ROUTES): makes one MetricsShard answer the exporter's snapshot() late (0 = normal)",
  security,
  request: {
    // A string pattern, not z.coerce: a coerced number is documented as an optional parameter, which OpenAPI forbids in a path.
    params: z.object({
      shard: z
        .string()
        .regex(/^(?:[0-9]|[1-5][0-9]|6[0-3])$/, "must be a shard index 0-63")
        .openapi({ example: "0" }),
    }),
    body: { required: true, content: { "application/json": { schema: z.object({ delayMs: z.number().int().min(0).max(60_000) }) } } },
  },
  responses: { 200: jsonContent(envelopeOf(z.object({ shard: z.number().int(), delayMs: z.number().int() })), "The delay in force"), ...errors },
});

function assertFaultRoutes(c: Context<AppEnv>): void {
  if (!c.var.config.ENABLE_BENCH_ROUTES) throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
}

/** The fault-injection routes (answering 404 unless ENABLE_BENCH_ROUTES is on). */
export function registerFaultRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(`${BASE}/*`, requireServiceToken());

  app.openapi(crashWallet, async (c) => {
    assertFaultRoutes(c);
    const { userId } = c.req.valid("param");
    // abort() makes the call itself fail; that failure is the proof the reset happened. An answer means it did not.
    const outcome = await testingObjects(c.env)
      .wallet.getByName(userId)
      .crashForTest(c.var.requestId)
      .then(
        (answer) => ({ crashed: false, detail: answer.refused }),
        (error: unknown) => ({ crashed: true, detail: String(error) }),
      );
    if (!outcome.crashed) throw new ApiError("NOT_FOUND", outcome.detail);
    return ok(c, { crashed: true as const, error: outcome.detail });
  });

  app.openapi(holdWalletOutbox, async (c) => {
    assertFaultRoutes(c);
    const { userId } = c.req.valid("param");
    const answer = await testingObjects(c.env).wallet.getByName(userId).holdDeliveriesForTest(c.req.valid("json").held);
    if ("refused" in answer) throw new ApiError("NOT_FOUND", answer.refused);
    return ok(c, answer);
  });

  app.openapi(slowShard, async (c) => {
    assertFaultRoutes(c);
    const { shard } = c.req.valid("param");
    const answer = await testingObjects(c.env).metricsShard.getByName(shardName(Number(shard))).setSnapshotDelayForTest(c.req.valid("json").delayMs);
    if ("refused" in answer) throw new ApiError("NOT_FOUND", answer.refused);
    return ok(c, { shard: Number(shard), delayMs: answer.delayMs });
  });
}
