/**
 * The wallet on the real local stack, with sandbox recharges off: money comes
 * in only through the fake payment provider's signed callbacks, and
 * transfers stay exactly once across a whole-stack restart in the middle of
 * a storm. This file runs its own stack (it restarts it).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { startFakePaymentProvider, type FakePaymentProvider } from "../support/fake-payment-provider.ts";
import { call, type Envelope } from "../support/http.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { login, registerUser } from "../support/users.ts";

const SECRET = randomBytes(24).toString("hex");
let options: StackOptions;
let stack: Stack;
let provider: FakePaymentProvider;

beforeAll(async () => {
  provider = await startFakePaymentProvider(SECRET);
  const base = await randomStackOptions("qingyu-e2e-wallet-");
  options = {
    ...base,
    apiVars: {
      ...base.apiVars,
      WALLET_RECHARGE_SANDBOX: "false",
      WALLET_CALLBACK_SECRET: SECRET,
      WALLET_PAYMENT_PROVIDER_URL: provider.url,
      WALLET_OUTBOX_BASE_DELAY_MS: "200",
    },
  };
  stack = await startStack(options);
  provider.setApiUrl(stack.apiUrl);
});

afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
  if (options) await rm(options.stateDir, { recursive: true, force: true });
});

type Order = { order_id: string; amount: number; status: string; payment_url: string | null };
const wallet = (path: string, token: string, json?: unknown, key?: string) =>
  call(`/api/v1/finance/wallet${path}`, {
    base: stack.apiUrl,
    method: json === undefined ? "GET" : "POST",
    json,
    headers: { Authorization: `Bearer ${token}`, ...(key ? { "Idempotency-Key": key } : {}) },
  });
const data = async <T>(response: Response, status: number): Promise<T> => {
  const body = (await response.json()) as Envelope<T>;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body.data;
};
const balance = async (token: string) => data<number>(await wallet("/balance", token), 200);
const order = async (token: string, yuan: string) => data<Order>(await wallet("/recharge", token, { amount: yuan, method: "alipay" }), 201);

describe("recharge through a payment provider (e2e)", () => {
  it("paying at the order's payment_url makes the provider call back; the wallet is credited once, replays credit nothing", async () => {
    const { pair } = await registerUser(stack.apiUrl);
    const pending = await order(pair.token, "88.88");
    expect(pending).toMatchObject({ amount: 8888, status: "pending" });
    expect(pending.payment_url).toBe(`${provider.url}/pay?order_id=${encodeURIComponent(pending.order_id)}&amount=8888`);
    expect(await balance(pair.token)).toBe(0);

    const paid = (await (await fetch(pending.payment_url!)).json()) as { paid: boolean; callback_status: number };
    expect(paid).toEqual({ paid: true, callback_status: 200 });
    expect(await balance(pair.token)).toBe(8888);

    const replayed = await provider.replay(provider.sent.at(-1)!);
    expect(replayed.status).toBe(200);
    expect(replayed.response.data).toMatchObject({ replayed: true });
    expect(await balance(pair.token)).toBe(8888);
    const polled = await data<Order>(await wallet(`/recharge/orders/${pending.order_id}`, pair.token), 200);
    expect(polled.status).toBe("credited");
  });

  it("forged, stale and mismatched callbacks credit nothing; the genuine one then credits exactly once", async () => {
    const { pair } = await registerUser(stack.apiUrl);
    const pending = await order(pair.token, "20");
    const forged = await provider.pay(pending.order_id, 2000, { secret: "an-attacker-who-guessed-wrong-000000000" });
    expect([forged.status, forged.response.code]).toEqual([401, 1002]);
    const stale = await provider.pay(pending.order_id, 2000, { skewSeconds: -3600 });
    expect([stale.status, stale.response.code]).toEqual([401, 1002]);
    const mismatch = await provider.pay(pending.order_id, 2000, { amountFen: 200_000 });
    expect([mismatch.status, mismatch.response.code]).toEqual([400, 1001]);
    // Replaying a refused callback is refused again.
    expect((await provider.replay(forged)).status).toBe(401);
    expect(await balance(pair.token)).toBe(0);

    const genuine = await provider.pay(pending.order_id, 2000);
    expect(genuine.status).toBe(200);
    const again = await provider.pay(pending.order_id, 2000);
    expect(again.response.data).toMatchObject({ replayed: true });
    expect(await balance(pair.token)).toBe(2000);
  });
});

describe("transfers across a stack restart (e2e)", () => {
  it("a storm of transfers cut by a whole-stack restart: afterwards money is conserved and every debit is delivered", { timeout: 240_000 }, async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(stack.apiUrl)));
    for (const user of users) {
      const pending = await order(user.pair.token, "100");
      expect((await provider.pay(pending.order_id, 10_000)).status).toBe(200);
    }
    const before = 6 * 10_000;
    const admin = users[0]!;
    const promoted = spawnSync(process.execPath, ["scripts/user-promote.ts", admin.username], {
      encoding: "utf8",
      env: { ...process.env, QINGYU_STATE_DIR: options.stateDir },
    });
    expect(promoted.status, promoted.stderr).toBe(0);

    let answered = 0;
    let restart: Promise<void> | null = null;
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        const from = users[index % 6]!;
        const to = users[(index + 1 + (index % 5)) % 6]!;
        try {
          const response = await wallet("/transfer", from.pair.token, { to_user_id: to.pair.user.id, amount: "1.23" }, `storm-${index}`);
          return { status: response.status, body: (await response.json()) as Envelope<{ transfer: { transfer_id: string } }> };
        } catch {
          return { status: 0, body: null };
        } finally {
          answered += 1;
          if (answered === 100) restart = stack.stop();
        }
      }),
    );
    await restart;
    stack = await startStack(options);
    provider.setApiUrl(stack.apiUrl);
    const accepted = outcomes.filter((outcome) => outcome.status === 200);
    console.log(`restart storm: ${accepted.length} accepted before the stop, ${outcomes.filter((o) => o.status === 0).length} cut off`);
    expect(accepted.length).toBeGreaterThanOrEqual(50);

    const adminToken = (await login(admin.username, admin.password, stack.apiUrl)).token;
    const reports = async () =>
      Promise.all(
        users.map(async (user) => {
          const response = await call(`/api/v1/admin/wallet/${user.pair.user.id}/verify`, {
            base: stack.apiUrl,
            headers: { Authorization: `Bearer ${adminToken}` },
          });
          return data<{ ledger: { ok: boolean; balance: number; problems: string[] }; in_flight: { messages: number; transfers: number } }>(response, 200);
        }),
      );
    const deadline = Date.now() + 60_000;
    let last = await reports();
    console.log(`after the restart: ${last.reduce((sum, report) => sum + report.in_flight.messages, 0)} deliveries still owed`);
    while (last.some((report) => report.in_flight.messages > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      last = await reports();
    }
    expect(last.every((report) => report.in_flight.messages === 0)).toBe(true);
    expect(last.every((report) => report.ledger.ok)).toBe(true);
    expect(last.reduce((sum, report) => sum + report.ledger.balance, 0)).toBe(before);

    for (const outcome of accepted) {
      const transferId = outcome.body!.data.transfer.transfer_id;
      const sender = users.find(
        (user) => user.pair.user.id === (outcome.body!.data as unknown as { transfer: { from_user_id: string } }).transfer.from_user_id,
      )!;
      const sent = await data<Array<{ reference: string; status: string }>>(
        await wallet("/transactions?type=transfer_out&page_size=100", sender.pair.token),
        200,
      );
      expect(sent.find((row) => row.reference === transferId)?.status, transferId).toBe("completed");
    }
  });
});
