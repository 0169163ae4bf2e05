import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { startStack, type Stack } from "../../dev/stack.ts";
import { expectedFor, NO_MISMATCH, readUser, settledWallets, userLedgerMismatches } from "../faults/accounting.ts";
import { accepted, fundedUsers, operation, retryUnsettled, runStorm, send, settled, type Operation, type Target } from "../faults/operations.ts";
import { patchRuntimeConfig, registerAdmin, serviceToken } from "../support/admin.ts";
import { waitUntilReady } from "../support/http.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { login, registerUser } from "../support/users.ts";

type Report = { status: string; checks: Array<{ name: string; status: string }> };

/** This file stops redis-server, so it runs its own stack rather than the shared one. */
let stack: Stack;
beforeAll(async () => {
  const options = await randomStackOptions("qingyu-e2e-outage-");
  stack = await startStack(options);
});
afterAll(async () => {
  await stack?.stop();
  if (stack) await rm(stack.options.stateDir, { recursive: true, force: true });
});

async function readiness(): Promise<{ status: number; report: Report }> {
  const response = await fetch(`${stack.apiUrl}/health/ready`);
  return { status: response.status, report: (await response.json()) as Report };
}

describe("Redis outage and recovery (error)", () => {
  it("auth during the outage: standard routes keep serving on the synced revocations; Redis-backed calls answer 503 code 5003", async () => {
    const { username, password, pair } = await registerUser(stack.apiUrl);
    const profile = () => fetch(`${stack.apiUrl}/api/v1/user/profile`, { headers: { Authorization: `Bearer ${pair.token}` } });
    expect((await profile()).status).toBe(200);
    await stack.redis.stop();
    try {
      await new Promise((resolve) => setTimeout(resolve, 700)); // past the sync interval: the copy is now stale
      expect((await profile()).status).toBe(200);
      const loginDuringOutage = await fetch(`${stack.apiUrl}/api/v1/shared/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      expect(loginDuringOutage.status).toBe(503);
      expect(((await loginDuringOutage.json()) as { code: number }).code).toBe(5003);
    } finally {
      await stack.redis.start();
    }
    await waitUntilReady(stack.apiUrl, "readiness after Redis returns");
    expect((await login(username, password, stack.apiUrl)).token).toBeTruthy();
  });

  it("/health/ready goes 503 with Redis unhealthy within 5 s of Redis stopping, and back to 200 within 5 s of its return", async () => {
    expect((await readiness()).status).toBe(200);

    await stack.redis.stop();
    const stoppedAt = Date.now();
    const down = await waitFor(
      async () => {
        const result = await readiness();
        return result.status === 503 ? result : undefined;
      },
      { timeoutMs: 5000, intervalMs: 100, what: "/health/ready to turn 503" },
    );
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(down.report.checks.find((check) => check.name === "redis")?.status).toBe("unhealthy");
    expect(down.report.checks.find((check) => check.name === "d1")?.status).toBe("healthy");

    await stack.redis.start();
    const restartedAt = Date.now();
    await waitFor(async () => (await readiness()).status === 200, { timeoutMs: 5000, intervalMs: 100, what: "/health/ready to return to 200" });
    expect(Date.now() - restartedAt).toBeLessThan(5000);
  });
});

describe("quota and wallet traffic through a Redis outage (faults)", () => {
  const USERS = 4;
  const FUNDED_FEN = 10_000;
  const TOKENS_PER_FEN = 100; // the default of the runtime config's wallet.quotaTokensPerYuan, 10,000 per yuan

  it(
    "wallet calls fail closed (503 code 5003), quota keeps its policy, recovery is under 5 s, and every operation counts exactly once after same-key retries",
    { timeout: 120_000 },
    async () => {
      const admin = await registerAdmin(stack.options.stateDir, stack.apiUrl);
      // The storm sends about 100 wallet calls per user in seconds; the per-user limit is not what is tested here.
      await patchRuntimeConfig(stack.apiUrl, admin.token, { wallet: { rateLimit: { limit: 100_000 } } });
      const users = await fundedUsers(stack.apiUrl, USERS, FUNDED_FEN);
      const target: Target = { apiUrl: stack.apiUrl, serviceToken: await serviceToken(), users };
      const baselines = await Promise.all(users.map((_, index) => readUser(target, index)));

      const kinds = ["quota-consume", "quota-consume", "wallet-consume", "wallet-transfer", "wallet-transfer", "quota-purchase"] as const;
      // At least 300 operations, and the storm goes on until Redis is back and a wallet call succeeded (at most 1,200).
      const planned: Operation[] = Array.from({ length: 1200 }, (_, index) => {
        const kind = kinds[index % kinds.length]!;
        const from = index % USERS;
        const amount = kind === "quota-consume" ? 10 + (index % 50) : 1 + (index % 40);
        return operation(kind, from, amount, kind === "wallet-transfer" ? (from + 1 + (index % (USERS - 1))) % USERS : undefined);
      });

      // Redis goes away after 80 answers and comes back 2 s later, while the storm keeps going.
      let answeredSoFar = 0;
      let outageOver = false;
      let stoppedAt = 0;
      let returnedAt = 0;
      let recoveryMs = -1;
      let outage: Promise<void> | undefined;
      const walletProbe = () => fetch(`${stack.apiUrl}/api/v1/finance/wallet/balance`, { headers: { Authorization: `Bearer ${users[0]!.pair.token}` } });
      const onAnswer = (answered: number) => {
        answeredSoFar = answered;
        if (answered !== 80) return;
        outage = (async () => {
          await stack.redis.stop();
          stoppedAt = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 2000));
          await stack.redis.start();
          returnedAt = Date.now();
          await waitFor(async () => (await walletProbe()).status === 200, {
            timeoutMs: 5000,
            intervalMs: 50,
            what: "a wallet call to succeed after Redis returns",
          });
          recoveryMs = Date.now() - returnedAt;
        })().finally(() => (outageOver = true));
      };
      await runStorm(target, planned, 6, onAnswer, () => outageOver && answeredSoFar >= 300);
      await outage;
      const operations = planned.filter((op) => op.answers.length > 0);
      expect(recoveryMs).toBeGreaterThanOrEqual(0);
      expect(recoveryMs).toBeLessThan(5000);

      const answers = operations.flatMap((op) => op.answers.map((answer) => ({ ...answer, kind: op.kind })));
      // The documented policy: wallet routes are strict and fail closed with 503 code 5003 once the revocation copy is stale (500 ms).
      const walletDuringOutage = answers.filter((answer) => answer.kind !== "quota-consume" && answer.at > stoppedAt + 1000 && answer.at < returnedAt);
      expect(walletDuringOutage.length).toBeGreaterThan(0);
      expect(walletDuringOutage.filter((answer) => answer.status !== 503 || answer.code !== 5003)).toEqual([]);
      const quotaDuringOutage = answers.filter((answer) => answer.kind === "quota-consume" && answer.at > stoppedAt + 1000 && answer.at < returnedAt);
      // Quota lives in the Durable Object and the internal routes check the service token, not Redis: they keep serving.
      expect(quotaDuringOutage.length).toBeGreaterThan(0);
      expect(quotaDuringOutage.filter((answer) => answer.status !== 200)).toEqual([]);
      // Nothing ever answers a plain 500: an outage is a 503, never an internal error.
      expect(answers.filter((answer) => answer.status >= 500 && answer.code !== 5003)).toEqual([]);

      const failedBefore = operations.filter((op) => !settled(op)).length;
      const retries = await retryUnsettled(target, operations);
      expect(operations.filter((op) => !settled(op))).toEqual([]);
      // Each operation answered again with the same key is a replay and changes nothing.
      const replays = operations.filter(accepted).slice(0, 60);
      for (const op of replays) await send(target, op);
      expect(replays.filter((op) => !op.answers.at(-1)!.replayed)).toEqual([]);

      const reports = await settledWallets(target, admin.token);
      expect(reports.filter((report) => !report.ledger.ok)).toEqual([]);
      let balances = 0;
      for (let index = 0; index < USERS; index++) {
        const state = await readUser(target, index);
        const expected = expectedFor(index, operations, FUNDED_FEN, baselines[index]!, TOKENS_PER_FEN);
        expect({ ...state.daily, totalQuota: state.totalQuota, balance: state.balance }).toEqual(expected);
        const mismatches = userLedgerMismatches(state, index, operations);
        for (const found of Object.values(mismatches)) expect(found).toEqual(NO_MISMATCH);
        balances += state.balance;
      }
      const spent = operations
        .filter((op) => accepted(op) && (op.kind === "wallet-consume" || op.kind === "quota-purchase"))
        .reduce((total, op) => total + op.amount, 0);
      expect(balances).toBe(USERS * FUNDED_FEN - spent);
      console.log(
        `redis outage storm: ${operations.length} operations, ${walletDuringOutage.length} wallet calls refused during the outage, ${failedBefore} retried after it (${retries} re-sends), ${operations.filter(accepted).length} accepted; recovery ${recoveryMs} ms after Redis returned`,
      );
    },
  );
});
