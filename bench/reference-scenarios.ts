/**
 * The bare reference's scenarios (bench/reference/): the same kinds of work as
 * ours on a Worker and object with nothing of ours, measured in the same rounds.
 * Our scenarios name these as their baselines, so every target is a ratio to
 * the runtime's own floor in the same run.
 */
import { defineScenario, mapConcurrent, OBJECTS_WARMUP_S, roundRobin, type BenchRequest, type RegisteredScenario, type ScenarioContext } from "./scenario.ts";

/** The reference scenarios' names, for our scenarios' `baseline` and `alsoVs`. */
export const REFERENCE = {
  noop: "ref-noop",
  noopRpc: "ref-noop-rpc",
  consume: "ref-consume",
  walletDebit: "ref-wallet-debit",
  consumeOver: (objects: number) => (objects === 1_000 ? "ref-consume" : `ref-consume-objects-${objects}`),
} as const;

/** Objects are made and woken 16 at a time, as our users' are. */
const WARM_CONCURRENCY = 16;

const label = (count: number) => count.toLocaleString("en-US");
const objectIds = (count: number) => Array.from({ length: count }, (_, index) => `ref-user-${index}`);

const post = (path: string, body?: unknown): BenchRequest => ({
  method: "POST",
  path,
  headers: { "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** `count` reference objects, each made by one consume and one wallet debit (untimed). */
function referenceObjects(ctx: ScenarioContext, count: number): Promise<string[]> {
  return ctx.once(`reference-objects-${count}`, async () => {
    ctx.progress(`making ${label(count)} reference objects`);
    const ids = objectIds(count);
    await mapConcurrent(ids, WARM_CONCURRENCY, async (id) => {
      await ctx.fetchJson(`${ctx.referenceUrl}/quota/${id}/consume`, { json: { amount: 1, requestId: crypto.randomUUID() } });
      await ctx.fetchJson(`${ctx.referenceUrl}/wallet/${id}/debit`, { json: { amount: 1, requestId: crypto.randomUUID() } });
    });
    return ids;
  });
}

/** One no-op RPC per object right before a run, as ours get (wakeQuotaObjects in scenarios.ts). */
async function wake(ctx: ScenarioContext, count: number): Promise<void> {
  await mapConcurrent(await referenceObjects(ctx, count), WARM_CONCURRENCY, (id) => ctx.fetchJson(`${ctx.referenceUrl}/rpc/${id}/noop`, { method: "POST" }));
}

const consumeOne = (ids: readonly string[]) => roundRobin(ids, (id) => post(`/quota/${id}/consume`, { amount: 1, service: "bench", requestId: crypto.randomUUID() }));

/** A reference run over `count` objects (one object group per count, see `objects` in scenario.ts). */
function overObjects(spec: { name: string; description: string; count: number; requests: (ids: readonly string[]) => BenchRequest[] }): RegisteredScenario {
  return defineScenario({
    name: spec.name,
    description: spec.description,
    baseline: spec.name,
    url: (ctx) => ctx.referenceUrl,
    setup: (ctx) => referenceObjects(ctx, spec.count),
    objects: `reference-${spec.count}`,
    beforeRun: (ctx) => wake(ctx, spec.count),
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, ids) => spec.requests(ids),
  });
}

/** GET /noop: a bare Hono route (the floor for our no-op routes). */
export const REFERENCE_NOOP = defineScenario({
  name: REFERENCE.noop,
  description: "Reference: GET /noop on a bare Hono Worker (c.json({ ok: true }), nothing else)",
  baseline: REFERENCE.noop,
  url: (ctx) => ctx.referenceUrl,
  requests: () => [{ method: "GET", path: "/noop" }],
});

/** A no-op RPC to one of 1,000 bare SQLite objects (the floor for our no-op DO RPC route). */
export const REFERENCE_NOOP_RPC = overObjects({
  name: REFERENCE.noopRpc,
  description: "Reference: POST /rpc/{id}/noop, a no-op RPC to a bare SQLite Durable Object, 1,000 objects round-robin",
  count: 1_000,
  requests: (ids) => roundRobin(ids, (id) => post(`/rpc/${id}/noop`)),
});

/** The durable consume over `count` objects (1,000 is the floor for our consume). */
export function referenceConsume(count: number): RegisteredScenario {
  return overObjects({
    name: REFERENCE.consumeOver(count),
    description: `Reference: POST /quota/{id}/consume of 1 over ${label(count)} bare SQLite objects round-robin: one transactionSync with an idempotency lookup, SELECT used/total, UPDATE, a ledger INSERT and the answer stored under its UNIQUE request id; answered after the commit`,
    count,
    requests: consumeOne,
  });
}

/** The durable wallet debit over 1,000 objects (the floor for our wallet consume). */
export const REFERENCE_WALLET_DEBIT = overObjects({
  name: REFERENCE.walletDebit,
  description:
    "Reference: POST /wallet/{id}/debit of 1 fen over 1,000 bare SQLite objects round-robin: the same transaction shape as the reference consume on the wallet balance",
  count: 1_000,
  requests: (ids) => roundRobin(ids, (id) => post(`/wallet/${id}/debit`, { amount: 1, requestId: crypto.randomUUID() })),
});
