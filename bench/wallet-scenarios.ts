/**
 * Wallet benchmark scenarios: consume and transfer through the whole stack
 * (strict JWT check, the per-user rate limit in Redis, the user's Wallet
 * object), 1,000 users round-robin, as ratios to the no-op route.
 */
import { benchUsers, type BenchUser } from "./fixtures.ts";
import { REFERENCE } from "./reference-scenarios.ts";
import { defineScenario, mapConcurrent, OBJECTS_WARMUP_S, roundRobin, type RegisteredScenario, type ScenarioContext } from "./scenario.ts";

/** Vars the wallet scenarios need on the bench stack: sandbox recharges fund the users without a payment provider. */
export const WALLET_BENCH_VARS: Readonly<Record<string, string>> = {
  WALLET_RECHARGE_SANDBOX: "true",
};

/** The per-user wallet limit raised, so that requests are counted (the limiter still runs) but never refused. */
export const WALLET_BENCH_RUNTIME_CONFIG = { wallet: { rateLimit: { limit: 1_000_000 } } };

/** The 1,000 bench users, each with 1,000 yuan from a sandbox recharge (which also creates their Wallet objects). */
function fundedUsers(ctx: ScenarioContext): Promise<BenchUser[]> {
  return ctx.once("wallet-funded", async () => {
    const users = await benchUsers(ctx, 1000);
    ctx.progress("funding 1,000 wallets (sandbox recharges)");
    await mapConcurrent(users, 16, (user) =>
      ctx.fetchJson("/api/v1/finance/wallet/recharge", { method: "POST", token: user.token, json: { amount: "1000", method: "alipay" } }),
    );
    return users;
  });
}

/**
 * Wakes the 1,000 Wallet objects (one balance read each) right before a run,
 * as the quota and reference scenarios wake theirs: local workerd closes
 * objects idle for 5-11 s, and a run over closed ones spent over 40 % of the
 * isolate's time reopening them (profiled 2026-12-03). Untimed.
 */
async function wakeWallets(ctx: ScenarioContext): Promise<void> {
  const users = await fundedUsers(ctx);
  await mapConcurrent(users, 16, (user) => ctx.fetchJson("/api/v1/finance/wallet/balance", { token: user.token }));
}

const post = (user: BenchUser, path: string, body: unknown) => ({
  method: "POST" as const,
  path,
  headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** The wallet scenarios, in the order they run. */
export const WALLET_SCENARIOS: readonly RegisteredScenario[] = [
  defineScenario({
    name: "wallet-balance",
    description: "GET /api/v1/finance/wallet/balance, 1,000 users round-robin (strict auth + Redis rate limit + one Wallet RPC)",
    setup: fundedUsers,
    objects: "wallet-users",
    beforeRun: wakeWallets,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) =>
      roundRobin(users, (user) => ({ method: "GET", path: "/api/v1/finance/wallet/balance", headers: { authorization: `Bearer ${user.token}` } })),
  }),
  defineScenario({
    name: "wallet-consume",
    description:
      "POST /api/v1/finance/wallet/consume of 0.01 yuan, 1,000 users round-robin (exact parse, check-and-debit + ledger row + idempotency record in one transaction); ≥ 0.9× the bare durable wallet debit",
    baseline: REFERENCE.walletDebit,
    targets: { minThroughputRatio: 0.9 },
    setup: fundedUsers,
    objects: "wallet-users",
    beforeRun: wakeWallets,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) => roundRobin(users, (user) => post(user, "/api/v1/finance/wallet/consume", { amount: "0.01", reason: "bench" })),
  }),
  defineScenario({
    name: "wallet-transfer",
    description:
      "POST /api/v1/finance/wallet/transfer of 0.01 yuan to the next user, 1,000 users round-robin (D1 recipient check, debit + outbox, credit delivered to the receiver's object before the answer)",
    setup: fundedUsers,
    objects: "wallet-users",
    beforeRun: wakeWallets,
    minWarmupS: OBJECTS_WARMUP_S,
    requests: (_ctx, users) =>
      roundRobin(
        users.map((user, index) => ({ user, to: users[(index + 1) % users.length]! })),
        ({ user, to }) => post(user, "/api/v1/finance/wallet/transfer", { to_user_id: to.id, amount: "0.01" }),
      ),
  }),
];
