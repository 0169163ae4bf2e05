/**
 * Wallet objects evicted in the middle of a transfer storm on the real stack.
 *
 * How the eviction is made: the test-only route POST
 * /api/v1/internal/faults/wallets/{userId}/crash calls `ctx.abort()` inside
 * the user's Wallet object (only with ENABLE_BENCH_ROUTES=true). That is what
 * the runtime does to an evicted or crashed object: its memory is dropped,
 * calls in flight fail, and the next call builds a new instance from storage.
 * We chose it over restarting the API worker's process because it hits one
 * object while every other object and the outbox deliveries keep running,
 * and it costs no stack restart. Runs its own stack (the hook needs the flag).
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { patchRuntimeConfig, registerAdmin, serviceToken } from "../support/admin.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { registerUser } from "../support/users.ts";
import { expectedFor, NO_MISMATCH, readUser, settledWallets, userLedgerMismatches } from "./accounting.ts";
import { accepted, operation, retryUnsettled, runStorm, type Operation, type Target } from "./operations.ts";

const USERS = 6;
const FUNDED_FEN = 10_000;
const HELD_FEN = 1_000; // one pending withdrawal per user, so held money is part of the sums
const CRASH_PAUSE_MS = 10;

let options: StackOptions;
let stack: Stack;
beforeAll(async () => {
  const base = await randomStackOptions("qingyu-faults-evict-");
  options = { ...base, apiWorker: "testing", apiVars: { ...base.apiVars, ENABLE_BENCH_ROUTES: "true", WALLET_OUTBOX_BASE_DELAY_MS: "200" } };
  stack = await startStack(options);
});
afterAll(async () => {
  await stack?.stop();
  if (options) await rm(options.stateDir, { recursive: true, force: true });
});

const post = (path: string, token: string, json: unknown) =>
  fetch(`${stack.apiUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "content-type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify(json),
  });

describe("a Wallet object evicted in the middle of a transfer storm (faults)", () => {
  it("conservation holds: available + held over all wallets equals the recharges, every accepted transfer is credited once", { timeout: 120_000 }, async () => {
    // No per-user wallet limit in a storm (the limit lives in the runtime config).
    const adminToken = (await registerAdmin(options.stateDir, stack.apiUrl)).token;
    await patchRuntimeConfig(stack.apiUrl, adminToken, { wallet: { rateLimit: { limit: 100_000 } } });
    const users = await Promise.all(Array.from({ length: USERS }, () => registerUser(stack.apiUrl)));
    const token = await serviceToken();
    const target: Target = { apiUrl: stack.apiUrl, serviceToken: token, users };
    for (const user of users) {
      expect((await post("/api/v1/finance/wallet/recharge", user.pair.token, { amount: String(FUNDED_FEN / 100), method: "alipay" })).status).toBe(201);
      expect((await post("/api/v1/finance/wallet/withdraw", user.pair.token, { amount: String(HELD_FEN / 100), account: "6222000011112222" })).status).toBe(
        201,
      );
    }
    const baselines = await Promise.all(users.map((_, index) => readUser(target, index)));

    const transfers: Operation[] = Array.from({ length: 360 }, (_, index) => {
      const from = Math.floor(Math.random() * USERS);
      return operation("wallet-transfer", from, 1 + Math.floor(Math.random() * 300), (from + 1 + Math.floor(Math.random() * (USERS - 1))) % USERS);
    });
    // While the storm runs, one wallet after another is reset, with transfers to and from it in flight.
    let storming = true;
    const crashes: number[] = [];
    const crasher = (async () => {
      while (storming) {
        const victim = users[crashes.length % USERS]!.pair.user.id;
        const response = await fetch(`${stack.apiUrl}/api/v1/internal/faults/wallets/${victim}/crash`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}` },
        });
        crashes.push(response.status);
        await new Promise((resolve) => setTimeout(resolve, CRASH_PAUSE_MS));
      }
    })();
    await runStorm(target, transfers, 8).finally(() => (storming = false));
    await crasher;
    // 200 only when the call into the object failed because it was reset (test/testing-worker/routes/faults.ts).
    expect(crashes.filter((status) => status !== 200)).toEqual([]);

    const cut = transfers.filter((op) => op.answers.some((answer) => answer.status === 0 || answer.status >= 500));
    const retries = await retryUnsettled(target, transfers);
    expect(transfers.filter((op) => op.answers.at(-1)!.status >= 500 || op.answers.at(-1)!.status === 0)).toEqual([]);

    const reports = await settledWallets(target, adminToken);
    expect(reports.filter((report) => !report.ledger.ok)).toEqual([]);
    let available = 0;
    let held = 0;
    const credited = new Map<string, number>();
    for (let index = 0; index < USERS; index++) {
      const state = await readUser(target, index);
      expect(state.balance).toBe(expectedFor(index, transfers, FUNDED_FEN, baselines[index]!, 0).balance);
      expect(state.held).toBe(HELD_FEN);
      expect(userLedgerMismatches(state, index, transfers).walletTransfer).toEqual(NO_MISMATCH);
      for (const row of state.walletLedger.filter((entry) => entry.type === "transfer_in"))
        credited.set(row.reference!, (credited.get(row.reference!) ?? 0) + 1);
      // The detail's balance includes the held money; available is what can still be spent.
      available += state.balance - state.held;
      held += state.held;
    }
    expect(available + held).toBe(USERS * FUNDED_FEN);
    const acceptedTransfers = transfers.filter(accepted);
    expect(credited.size).toBe(acceptedTransfers.length);
    expect([...credited.values()].every((count) => count === 1)).toBe(true);
    const statuses = new Map<number, number>();
    for (const op of cut) for (const answer of op.answers.slice(0, -1)) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    // A transfer answered `pending` had its credit cut by a reset (or the receiver was busy) and was delivered by the outbox afterwards.
    const pending = acceptedTransfers.filter((op) => (op.data as { transfer: { status: string } }).transfer.status === "pending").length;
    console.log(
      `wallet eviction: ${transfers.length} transfers, ${crashes.length} wallet resets, ${cut.length} requests cut (statuses ${JSON.stringify(Object.fromEntries(statuses))}), ${retries} re-sends, ${acceptedTransfers.length} accepted, ${pending} answered pending`,
    );
  });
});
