/**
 * Conservation: 20 users, 1,000 random concurrent transfers through the API
 * (including self-transfers, unknown recipients, over-balance amounts and
 * repeated Idempotency-Keys), with the wallets evicted and some crashed
 * (ctx.abort) midway. Afterwards no money was created or lost, every accepted
 * transfer completed, every debit has exactly one credit, nothing is
 * negative and every ledger replays to its balance.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerUser } from "../../test/workerd/api";
import { balanceOf, fundWallet, walletApi } from "../../test/workerd/wallet";

const USERS = 20;
const TRANSFERS = 1000;

type Plan = { from: number; to: string; yuan: string; key: string; kind: "normal" | "self" | "unknown" | "replay" | "reuse" };
type Row = { type: string; amount: number; reference: string | null; related_user_id: string | null; status: string; idempotency_key: string | null };

const randomInt = (max: number) => Math.floor(Math.random() * max);
const yuanOf = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

function ledgerOf(userId: string): Promise<Row[]> {
  return runInDurableObject(env.WALLET.getByName(userId), (_instance, state) =>
    state.storage.sql.exec<Row>("SELECT type, amount, reference, related_user_id, status, idempotency_key FROM ledger ORDER BY seq").toArray(),
  );
}

/** Evicts most wallets and crashes a few (ctx.abort) while requests are in flight; an idle object cannot be evicted, which is fine. */
async function disrupt(userIds: readonly string[]): Promise<void> {
  await Promise.all(
    userIds.map(async (userId, index) => {
      const stub = env.WALLET.getByName(userId);
      if (index % 4 === 0) {
        await runInDurableObject(stub, (_instance, state) => state.abort("crash in the middle of the storm")).catch(() => undefined);
      } else {
        await evictDurableObject(stub).catch(() => undefined);
      }
    }),
  );
}

describe("wallet conservation (acceptance)", () => {
  it(
    "1,000 random concurrent transfers among 20 users, with eviction and crashes midway: money is conserved and every transfer settles",
    { timeout: 180_000 },
    async () => {
      const users = await Promise.all(Array.from({ length: USERS }, () => registerUser()));
      const ids = users.map((user) => user.pair.user_id);
      await Promise.all(users.map((user) => fundWallet(user.pair.token, yuanOf(10_000 + randomInt(90_000)))));
      const before = (await Promise.all(users.map((user) => balanceOf(user.pair.token)))).reduce((sum, balance) => sum + balance, 0);

      const plans: Plan[] = [];
      for (let index = 0; index < TRANSFERS; index++) {
        const from = randomInt(USERS);
        const roll = Math.random();
        const earlier = plans.filter((plan) => plan.from === from && plan.kind === "normal");
        if (roll < 0.08 && earlier.length > 0) {
          plans.push({ ...earlier[randomInt(earlier.length)]!, kind: "replay" });
        } else if (roll < 0.1 && earlier.length > 0) {
          plans.push({ ...earlier[randomInt(earlier.length)]!, yuan: "0.01", kind: "reuse" });
        } else if (roll < 0.15) {
          plans.push({ from, to: ids[from]!, yuan: "1", key: crypto.randomUUID(), kind: "self" });
        } else if (roll < 0.2) {
          plans.push({ from, to: crypto.randomUUID(), yuan: "1", key: crypto.randomUUID(), kind: "unknown" });
        } else {
          // Up to 300 yuan against starting balances of 100-1,000 yuan: many senders run dry, so some are over balance.
          const to = (from + 1 + randomInt(USERS - 1)) % USERS;
          plans.push({ from, to: ids[to]!, yuan: yuanOf(1 + randomInt(30_000)), key: crypto.randomUUID(), kind: "normal" });
        }
      }

      let settled = 0;
      const disruption = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (settled < TRANSFERS / 3) return;
          clearInterval(poll);
          resolve(disrupt(ids));
        }, 5);
      });
      const answers = await Promise.all(
        plans.map(async (plan) => {
          const response = await walletApi("/transfer", users[plan.from]!.pair.token, { json: { to_user_id: plan.to, amount: plan.yuan }, key: plan.key });
          const body = (await response.json()) as { code: number; data: { transfer?: { transfer_id: string; status: string } } | null };
          settled += 1;
          return { plan, status: response.status, code: body.code, transferId: body.data?.transfer?.transfer_id ?? null };
        }),
      );
      await disruption;

      // Every answer is one the contract allows; crashes may turn an in-flight request into a 5xx.
      for (const answer of answers) {
        const expected = answer.plan.kind === "self" ? [3005] : answer.plan.kind === "unknown" ? [3004] : [0, 3001, 1006];
        if (answer.status >= 500) continue;
        expect(expected, `${answer.plan.kind} → ${answer.status} ${answer.code}`).toContain(answer.code);
      }
      const crashed = answers.filter((answer) => answer.status >= 500).length;
      const accepted = answers.filter((answer) => answer.status === 200);
      console.log(`conservation: ${accepted.length} accepted, ${answers.filter((a) => a.code === 3001).length} over balance, ${crashed} cut by the crash`);
      expect(crashed).toBeLessThan(TRANSFERS / 10);
      expect(accepted.length).toBeGreaterThan(TRANSFERS / 4);

      // The outboxes drain: every debit's credit is delivered (alarms retry across the eviction).
      const deadline = Date.now() + 60_000;
      for (;;) {
        const owed = await Promise.all(ids.map((id) => env.WALLET.getByName(id).inFlight()));
        if (owed.every((entry) => entry.messages === 0)) break;
        if (Date.now() > deadline) throw new Error(`outboxes not drained: ${JSON.stringify(owed)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const balances = await Promise.all(ids.map((id) => env.WALLET.getByName(id).getWallet()));
      const after = balances.reduce((sum, wallet) => sum + wallet.balance, 0);
      expect(after).toBe(before);
      for (const wallet of balances) expect(wallet.balance).toBeGreaterThanOrEqual(0);
      for (const id of ids) expect(await env.WALLET.getByName(id).verifyLedger(), id).toMatchObject({ ok: true, problems: [] });

      // Every debit has exactly one credit (or a refund), and each key debited at most once.
      const ledgers = new Map(await Promise.all(ids.map(async (id) => [id, await ledgerOf(id)] as const)));
      const credits = new Map<string, number>();
      for (const rows of ledgers.values())
        for (const row of rows) if (row.type === "transfer_in") credits.set(row.reference!, (credits.get(row.reference!) ?? 0) + 1);
      let debits = 0;
      for (const [id, rows] of ledgers) {
        const keys = new Set<string>();
        for (const row of rows.filter((entry) => entry.type === "transfer_out")) {
          debits += 1;
          expect(keys.has(row.idempotency_key!), `key debited twice in ${id}`).toBe(false);
          keys.add(row.idempotency_key!);
          const refunded = rows.some((entry) => entry.type === "refund" && entry.reference === row.reference);
          expect(row.status, row.reference!).toBe(refunded ? "refunded" : "completed");
          expect(credits.get(row.reference!) ?? 0, `credits for ${row.reference}`).toBe(refunded ? 0 : 1);
        }
      }
      expect(credits.size).toBeLessThanOrEqual(debits);
      for (const answer of accepted) {
        const rows = ledgers.get(ids[answer.plan.from]!)!;
        expect(rows.find((row) => row.type === "transfer_out" && row.reference === answer.transferId)?.status).toMatch(/^(completed|refunded)$/);
      }
    },
  );
});
