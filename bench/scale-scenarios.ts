/**
 * How cost grows with work: quota consume over 10, 1,000 and 10,000 distinct
 * users, and the first page of a wallet's transactions with 10, 1,000 and
 * 10,000 rows in its ledger.
 *
 * Seeding goes through the testing Worker's bench routes (test/testing-worker/routes/bench-seed.ts, behind
 * ENABLE_BENCH_ROUTES and the service token): registering 10,000 users through
 * /auth/register would take minutes of PBKDF2, and the quota routes only need
 * the user's row in D1 (for the plan role), not a password or a session.
 * Ledger rows are real wallet consumes through the Wallet object's own RPC.
 */
import { benchUsers, type BenchUser } from "./fixtures.ts";
import { internalPost, SERVICE_HEADERS } from "./internal.ts";
import { REFERENCE } from "./reference-scenarios.ts";
import { defineScenario, mapConcurrent, roundRobin, type RegisteredScenario, type ScenarioContext } from "./scenario.ts";

/** The most any one seeding call does (BENCH_SEED_MAX_PER_CALL in the route). */
const SEED_PER_CALL = 1_000;
const USER_COUNTS = [10, 1_000, 10_000] as const;
const LEDGER_ROWS = [10, 1_000, 10_000] as const;
/** The transactions page the client asks for first. */
const FIRST_PAGE = "/api/v1/finance/wallet/transactions?page=1&page_size=20";

/** Creating the objects is the slow part; 48 in flight was no faster than 16 here (2026-11-27). */
const WARM_CONCURRENCY = 16;
const SEED_CONCURRENCY = 4;

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const label = (count: number) => count.toLocaleString("en-US");

/**
 * 10,000 seeded users (the smaller runs use the first 10 and 1,000 of them, so
 * only the number of distinct users changes), each with its QuotaCounter made
 * by one consume. They are vip_readers: 10 users must absorb a whole run of
 * consumes within one daily plan (reader: 10,000 tokens a day each).
 */
function seededQuotaUsers(ctx: ScenarioContext): Promise<string[]> {
  return ctx.once("seeded-quota-users", async () => {
    const total = Math.max(...USER_COUNTS);
    let started = Date.now();
    ctx.progress(`seeding ${label(total)} users through the bench-only route`);
    const calls = Array.from({ length: Math.ceil(total / SEED_PER_CALL) }, (_, call) => Math.min(SEED_PER_CALL, total - call * SEED_PER_CALL));
    // A few calls in flight overlap the Worker's round trips to D1 (the writes themselves queue in D1).
    const answers = await mapConcurrent(calls, SEED_CONCURRENCY, (count) =>
      ctx.fetchJson<{ data: { ids: string[] } }>("/api/v1/internal/bench/users", { headers: SERVICE_HEADERS, json: { count, role: "vip_reader" } }),
    );
    const ids = answers.flatMap((answer) => answer.data.ids);
    ctx.progress(`seeded ${label(ids.length)} users in ${seconds(started)}; warming their QuotaCounter objects`);
    started = Date.now();
    await mapConcurrent(ids, WARM_CONCURRENCY, (id) =>
      ctx.fetchJson(`/api/v1/internal/quota/${id}/consume`, {
        headers: SERVICE_HEADERS,
        json: { amount: 1, service: "bench-warmup", requestId: crypto.randomUUID() },
      }),
    );
    ctx.progress(`warmed ${label(ids.length)} QuotaCounter objects in ${seconds(started)}`);
    return ids;
  });
}

/**
 * A registered user whose wallet ledger holds exactly `rows` rows: one sandbox
 * recharge, then `rows - 1` one-fen consumes through the seeding route. Checked
 * through the public route afterwards, so a seeding bug cannot go unnoticed.
 */
function ledgerUser(ctx: ScenarioContext, rows: number): Promise<BenchUser> {
  return ctx.once(`ledger-${rows}`, async () => {
    const users = await benchUsers(ctx, LEDGER_ROWS.length, "ledger-users");
    const user = users[LEDGER_ROWS.indexOf(rows as (typeof LEDGER_ROWS)[number])] as BenchUser;
    const started = Date.now();
    await ctx.fetchJson("/api/v1/finance/wallet/recharge", { token: user.token, json: { amount: "1000", method: "alipay" } });
    for (let added = 1; added < rows; added += SEED_PER_CALL) {
      await ctx.fetchJson(`/api/v1/internal/bench/wallet/${user.id}/ledger`, {
        headers: SERVICE_HEADERS,
        json: { rows: Math.min(SEED_PER_CALL, rows - added) },
      });
    }
    const page = await ctx.fetchJson<{ pagination: { total: number } }>(FIRST_PAGE, { token: user.token });
    if (page.pagination.total !== rows) throw new Error(`the seeded ledger has ${page.pagination.total} rows, not ${rows}`);
    ctx.progress(`seeded a ledger of ${label(rows)} rows in ${seconds(started)}`);
    return user;
  });
}

const quotaName = (count: number) => `quota-consume-users-${count}`;
const ledgerName = (rows: number) => `wallet-transactions-rows-${rows}`;
const [FEWEST_USERS] = USER_COUNTS;
const [FEWEST_ROWS] = LEDGER_ROWS;

/** The cost-growth scenarios, smallest first: the larger runs are compared with the smallest one. */
export const SCALE_SCENARIOS: readonly RegisteredScenario[] = [
  ...USER_COUNTS.map((count) =>
    defineScenario({
      name: quotaName(count),
      description: `POST /api/v1/internal/quota/{userId}/consume of 1 token over ${label(count)} distinct seeded users round-robin (of ${label(Math.max(...USER_COUNTS))} with live QuotaCounters)`,
      // Against the bare durable consume over as many objects too: reopening objects is measured on the bare runtime as well.
      ...(count === FEWEST_USERS
        ? { baseline: "quota-noop-rpc", alsoVs: [REFERENCE.consumeOver(count)] }
        : { baseline: quotaName(FEWEST_USERS), alsoVs: ["quota-noop-rpc", REFERENCE.consumeOver(count)] }),
      setup: async (ctx) => (await seededQuotaUsers(ctx)).slice(0, count),
      objects: "seeded-quota-users",
      requests: (_ctx, ids) =>
        roundRobin(ids, (id) => internalPost(`/api/v1/internal/quota/${id}/consume`, { amount: 1, service: "bench", requestId: crypto.randomUUID() })),
    }),
  ),
  ...LEDGER_ROWS.map((rows) =>
    defineScenario({
      name: ledgerName(rows),
      description: `GET ${FIRST_PAGE}: one user's first page of 20 with ${label(rows)} rows in the ledger (strict auth + Redis rate limit + one Wallet RPC); must stay flat as the ledger grows`,
      ...(rows === FEWEST_ROWS ? {} : { baseline: ledgerName(FEWEST_ROWS), targets: { maxP50Ratio: 1.25, maxP99Ratio: 1.5 } }),
      setup: (ctx) => ledgerUser(ctx, rows),
      requests: (_ctx, user) => [{ method: "GET", path: FIRST_PAGE, headers: { authorization: `Bearer ${user.token}` } }],
    }),
  ),
];
