/**
 * The whole local stack SIGKILLed in the middle of a quota and wallet storm
 * (both wrangler process groups with workerd, the bridge process,
 * redis-server; no graceful shutdown), then started again on the same state
 * folder. Runs its own stack: it kills it. Two users' Wallets have every
 * outbox delivery held (a test-only hook, in memory: the kill ends it), so
 * their quota purchases are paid but still owed to the QuotaCounter at the kill.
 */
import { connect } from "node:net";
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { patchRuntimeConfig, registerAdmin, serviceToken } from "../support/admin.ts";
import { onNewPorts, randomStackOptions } from "../support/stack-options.ts";
import { expectedFor, NO_MISMATCH, readUser, settledWallets, userLedgerMismatches } from "./accounting.ts";
import { accepted, acknowledgedFirstTime, fundedUsers, operation, retryUnsettled, runStorm, send, type Operation, type Target } from "./operations.ts";
import { holdOutbox, owed, purchaseCreditMismatches, purchasesOf } from "./held-outbox.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

const USERS = 4;
const FUNDED_FEN = 10_000;
const TOKENS_PER_FEN = 100; // the default of the runtime config's wallet.quotaTokensPerYuan
const KILL_AFTER_ANSWERS = 150;
/** Users whose Wallet outbox deliveries fail until the kill; user 1 buys quota in the storm, user 3 (not held) too. */
const HELD = [0, 1];
const PREPAID = 4;

let options: StackOptions | undefined;
let stack: Stack | undefined;
let receiver: WebhookReceiver | undefined;
afterAll(async () => {
  await stack?.kill();
  await receiver?.close();
  if (options) await rm(options.stateDir, { recursive: true, force: true });
});

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

type Config = { version: number; document: { features: Record<string, boolean>; quota: { webhook: { url: string } | null } } };
async function admin<T>(base: string, token: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; data: T }> {
  const response = await fetch(`${base}/api/v1/admin${path}`, {
    method: init.method ?? "GET",
    headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  return { status: response.status, data: ((await response.json()) as { data: T }).data };
}

describe("SIGKILL of the whole stack in the middle of a quota and wallet storm (faults)", () => {
  it(
    "after a restart on the same state, every acknowledged operation is there, the rest apply exactly once on retry, outboxes drain and totals hold",
    { timeout: 180_000 },
    async () => {
      receiver = await startWebhookReceiver();
      const base = await randomStackOptions("qingyu-faults-kill-");
      // The bridge as its own process, so the kill reaches it too.
      options = { ...base, bridgeAsProcess: true, apiWorker: "testing", apiVars: { ...base.apiVars, ENABLE_BENCH_ROUTES: "true", WALLET_OUTBOX_BASE_DELAY_MS: "200" } };
      stack = await startStack(options);
      const adminToken = (await registerAdmin(options.stateDir, stack.apiUrl)).token;
      // No per-user wallet limit in a storm (the limit lives in the runtime config).
      await patchRuntimeConfig(stack.apiUrl, adminToken, { wallet: { rateLimit: { limit: 100_000 } } });
      const users = await fundedUsers(stack.apiUrl, USERS, FUNDED_FEN);
      const target: Target = { apiUrl: stack.apiUrl, serviceToken: await serviceToken(), users };
      const current = await admin<Config>(stack.apiUrl, adminToken, "/config");
      const webhook = { url: receiver.url, secret: "faults-webhook-secret-0123456789" };
      expect(
        (await admin(stack.apiUrl, adminToken, "/config", { method: "PUT", json: { version: current.data.version, patch: { quota: { webhook } } } })).status,
      ).toBe(200);
      const baselines = await Promise.all(users.map((_, index) => readUser(target, index)));
      await new Promise((resolve) => setTimeout(resolve, 2500)); // every isolate sees the webhook (CONFIG_CACHE_TTL_MS)

      // Each user starts at 79 % of the daily quota, so the storm crosses the warning (and critical) level
      // while the receiver refuses deliveries: threshold events sit in the webhook outboxes at the kill.
      const operations: Operation[] = users.map((_, index) => operation("quota-consume", index, 7_900));
      await Promise.all(operations.map((op) => send(target, op)));
      expect(operations.every(accepted)).toBe(true);

      // From here on the held users' Wallets cannot deliver anything. A purchase is paid and acknowledged, not credited.
      for (const index of HELD) expect(await holdOutbox(target, index, true)).toEqual({ held: true, failedDeliveries: 0 });
      const prepaid = Array.from({ length: PREPAID }, (_, n) => operation("quota-purchase", 1, 50 + n));
      for (const op of prepaid) await send(target, op);
      operations.push(...prepaid);
      expect(purchasesOf(prepaid, 1).map((purchase) => purchase.status)).toEqual(prepaid.map(() => "pending"));
      const unpaid = await readUser(target, 1);
      expect({ totalQuota: unpaid.totalQuota, credits: unpaid.quotaLedger.filter((row) => row.type === "recharge").length }).toEqual({
        totalQuota: baselines[1]!.totalQuota,
        credits: 0,
      });
      const prepaidFen = prepaid.reduce((total, op) => total + op.amount, 0);
      expect((await owed(target, adminToken, 1)).quota_purchases).toBe(prepaidFen);
      // The Wallet keeps retrying from its alarm: each purchase has failed at least twice before the storm starts.
      const retried = await waitFor(
        async () => {
          const state = await holdOutbox(target, 1, true);
          return state.failedDeliveries >= 2 * PREPAID && state;
        },
        {
          timeoutMs: 10_000,
          what: "the held wallet to retry its purchases",
        },
      );
      const kinds = ["quota-consume", "quota-reserve", "wallet-consume", "wallet-transfer", "wallet-transfer", "quota-purchase"] as const;
      const storm = Array.from({ length: 480 }, (_, index) => {
        const kind = kinds[index % kinds.length]!;
        const from = index % USERS;
        const amount = kind === "quota-consume" ? 20 + (index % 60) : kind === "quota-reserve" ? 5 + (index % 20) : 1 + (index % 40);
        return operation(kind, from, amount, kind === "wallet-transfer" ? (from + 1 + (index % (USERS - 1))) % USERS : undefined);
      });
      operations.push(...storm);

      // Runtime config changes run alongside, one at a time; each acknowledged one must survive.
      let killed = false;
      const configAcknowledged: string[] = [];
      const configChanges = (async () => {
        for (let index = 0; !killed; index++) {
          const flag = `kill_test_${index}`;
          try {
            const { data } = await admin<Config>(target.apiUrl, adminToken, "/config");
            const saved = await admin(target.apiUrl, adminToken, "/config", {
              method: "PUT",
              json: { version: data.version, patch: { features: { [flag]: true } } },
            });
            if (saved.status === 200) configAcknowledged.push(flag);
          } catch {
            return; // the stack is gone
          }
        }
      })();

      let killing: Promise<void> | undefined;
      let killMs = 0;
      let heldPurchasesAtKill: ReturnType<typeof purchasesOf> = [];
      await runStorm(
        target,
        storm,
        8,
        (answered) => {
          if (answered !== KILL_AFTER_ANSWERS) return;
          killed = true;
          heldPurchasesAtKill = HELD.flatMap((index) => purchasesOf(operations, index));
          const killStartedAt = Date.now();
          killing = stack!.kill().then(() => {
            killMs = Date.now() - killStartedAt;
          });
        },
        () => killed,
      );
      await killing;
      await configChanges;
      const ports = [options.apiPort, options.exporterPort, options.bridgePort, options.redisPort];
      expect(await Promise.all(ports.map(refused))).toEqual([true, true, true, true]);
      const pendingWebhooksAtKill = new Set(receiver.deliveries.map((delivery) => delivery.eventId)).size;
      const inFlight = operations.filter((op) => op.answers.length === 1 && op.answers[0]!.status === 0);
      const acknowledged = operations.filter(acknowledgedFirstTime);
      const sent = operations.filter((op) => op.answers.length > 0);
      // Every purchase the held users were answered for before the kill was pending (its credit is checked below).
      expect(new Set(heldPurchasesAtKill.map((purchase) => purchase.status))).toEqual(new Set(["pending"]));
      const heldFenAtKill = heldPurchasesAtKill.reduce((total, purchase) => total + purchase.operation.amount, 0);

      // Same state folder, new ports: what an operator gets after the machine died and came back.
      receiver.accept();
      const restartStartedAt = Date.now();
      stack = await startStack(await onNewPorts(options));
      const restartMs = Date.now() - restartStartedAt;
      // The old tokens still work: sessions live in Redis, whose AOF survived the SIGKILL.
      target.apiUrl = stack.apiUrl;
      const owedAtRestart = (
        await Promise.all(users.map((user) => admin<{ in_flight: { messages: number } }>(stack!.apiUrl, adminToken, `/wallet/${user.pair.user.id}/verify`)))
      ).reduce((total, report) => total + report.data.in_flight.messages, 0);
      // The hold died with the processes: what was owed at the kill is credited from storage alone, before any client re-sends.
      await waitFor(async () => (await Promise.all(HELD.map((index) => owed(target, adminToken, index)))).every((due) => due.quota_purchases === 0), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: "the purchases owed at the kill to be credited",
      });
      // Each of those purchases was credited once, after the restart began: so it was still owed at the kill.
      const credits = (await readUser(target, 1)).quotaLedger.filter((row) => row.type === "recharge");
      const creditedAt = heldPurchasesAtKill.map(({ purchaseId }) =>
        credits.filter((row) => row.requestId === purchaseId).map((row) => Date.parse(row.timestamp)),
      );
      expect(creditedAt.filter((times) => times.length !== 1 || times[0]! < restartStartedAt)).toEqual([]);
      const creditMs = Math.max(...creditedAt.flat()) - restartStartedAt;

      // Every acknowledged operation is present: sent again with its key, it is a replay.
      for (const op of acknowledged) await send(target, op);
      expect(acknowledged.filter((op) => !op.answers.at(-1)!.replayed).map((op) => op.key)).toEqual([]);
      // The ones cut by the kill are retried with the same key: each applies once, whichever side of the kill it fell on.
      const retries = await retryUnsettled(target, inFlight);
      expect(inFlight.filter((op) => !accepted(op) && op.answers.at(-1)!.status >= 500)).toEqual([]);
      const landedBeforeKill = inFlight.filter((op) => op.answers.at(-1)!.replayed).length;

      const reports = await settledWallets(target, adminToken);
      expect(reports.filter((report) => !report.ledger.ok)).toEqual([]);
      let balances = 0;
      for (let index = 0; index < USERS; index++) {
        const state = await readUser(target, index);
        expect({ ...state.daily, totalQuota: state.totalQuota, balance: state.balance }).toEqual(
          expectedFor(index, sent, FUNDED_FEN, baselines[index]!, TOKENS_PER_FEN),
        );
        for (const found of Object.values(userLedgerMismatches(state, index, sent))) expect(found).toEqual(NO_MISMATCH);
        // One quota credit per purchase, though the held Wallet sent each several times before the kill; nothing refunded.
        expect(purchaseCreditMismatches(state, index, sent)).toEqual({ ...NO_MISMATCH, refunds: 0 });
        balances += state.balance;
      }
      const spent = sent
        .filter((op) => accepted(op) && (op.kind === "wallet-consume" || op.kind === "quota-purchase"))
        .reduce((total, op) => total + op.amount, 0);
      expect(balances).toBe(USERS * FUNDED_FEN - spent);

      // Runtime config: every acknowledged change is there, and the webhook set before the storm.
      const config = await admin<Config>(stack.apiUrl, adminToken, "/config");
      expect(config.data.document.quota.webhook?.url).toBe(receiver.url);
      expect(configAcknowledged.filter((flag) => config.data.document.features[flag] !== true)).toEqual([]);

      // The threshold events pending at the kill are delivered after the restart, one event id per user and level.
      const levels = await Promise.all(
        users.map(
          async (user) =>
            (await (await fetch(`${stack!.apiUrl}/api/v1/ai/quota`, { headers: { Authorization: `Bearer ${user.pair.token}` } })).json()) as {
              data: { level: string };
            },
        ),
      );
      const expectedEvents = users.flatMap((user, index) => {
        const level = levels[index]!.data.level;
        const crossed = level === "critical" || level === "exhausted" ? ["warning", "critical"] : level === "warning" ? ["warning"] : [];
        return crossed.map((name) => `${user.pair.user.id}/${name}`);
      });
      expect(expectedEvents.length).toBeGreaterThanOrEqual(USERS);
      const delivered = () =>
        new Set(receiver!.deliveries.filter((delivery) => delivery.status === 204).map((delivery) => `${delivery.userId}/${delivery.level}`));
      await waitFor(async () => expectedEvents.every((event) => delivered().has(event)), {
        timeoutMs: 45_000,
        intervalMs: 250,
        what: "the pending threshold webhooks to be delivered",
      });
      const idsPerEvent = new Map<string, Set<string>>();
      for (const delivery of receiver.deliveries)
        idsPerEvent.set(`${delivery.userId}/${delivery.level}`, (idsPerEvent.get(`${delivery.userId}/${delivery.level}`) ?? new Set()).add(delivery.eventId));
      expect([...idsPerEvent.values()].filter((ids) => ids.size !== 1)).toEqual([]);

      console.log(
        `stack kill: ${acknowledged.length} operations acknowledged before the kill, ${inFlight.length} in flight at it (${landedBeforeKill} had landed, ${inFlight.length - landedBeforeKill} had not; ${retries} re-sends), ` +
          `${configAcknowledged.length} config changes acknowledged, ${pendingWebhooksAtKill} webhook events pending and ${owedAtRestart} wallet deliveries owed at restart; ` +
          `${heldPurchasesAtKill.length} held quota purchases (${heldFenAtKill} fen) owed at the kill (${retried.failedDeliveries} sends failed before the storm), all credited ${creditMs} ms after the restart began; ` +
          `every process gone ${killMs} ms after the SIGKILLs, restart took ${restartMs} ms`,
      );
    },
  );
});
