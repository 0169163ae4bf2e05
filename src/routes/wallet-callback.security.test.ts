/** The recharge callback: only a correctly signed, fresh callback with the order's amount credits, and only once. */
import { describe, expect, it } from "vitest";
import { signCallback } from "../wallet/callback";
import { envelope, registerUser } from "../../test/workerd/api";
import { balanceOf, failureOf, sendCallback, walletApi, type OrderData } from "../../test/workerd/wallet";

const now = () => Math.floor(Date.now() / 1000);

async function pendingOrder(yuan = "50") {
  const { pair } = await registerUser();
  const order = await envelope<OrderData>(await walletApi("/recharge", pair.token, { json: { amount: yuan, method: "alipay" } }), 201);
  return { token: pair.token, orderId: order.data.order_id };
}

describe("recharge callback (security)", () => {
  it("a forged signature (wrong secret), a missing one, or one over a different body → 401; no credit", async () => {
    const { token, orderId } = await pendingOrder();
    const body = { order_id: orderId, amount: "50", timestamp: now() };
    expect((await failureOf(await sendCallback(body, "an-attacker-guess-that-is-long-enough-0000"), 401)).code).toBe(1002);
    expect((await failureOf(await sendCallback(body, undefined, ""), 401)).code).toBe(1002);
    expect((await failureOf(await sendCallback(body, undefined, "sha256=zz"), 401)).code).toBe(1002);
    const other = await signCallback("test-wallet-callback-secret-0123456789abcdef", JSON.stringify({ ...body, amount: "5000" }));
    expect((await failureOf(await sendCallback(body, undefined, other), 401)).code).toBe(1002);
    // Same JSON, different bytes: the signature covers the raw body, not its meaning.
    const signed = await signCallback("test-wallet-callback-secret-0123456789abcdef", JSON.stringify(body));
    expect((await failureOf(await sendCallback(JSON.stringify(body, null, 2), undefined, signed), 401)).code).toBe(1002);
    expect(await balanceOf(token)).toBe(0);
  });

  it("a stale or far-future timestamp (outside WALLET_CALLBACK_WINDOW_SECONDS) → 401; no credit", async () => {
    const { token, orderId } = await pendingOrder();
    for (const timestamp of [now() - 301, now() + 301, 1]) {
      expect((await failureOf(await sendCallback({ order_id: orderId, amount: "50", timestamp }), 401)).code, String(timestamp)).toBe(1002);
    }
    expect(await balanceOf(token)).toBe(0);
  });

  it("an amount that does not match the order → 400 code 1001; no credit, and the order can still be paid", async () => {
    const { token, orderId } = await pendingOrder("50");
    for (const amount of ["49.99", "50.01", "5000", 0.5]) {
      const error = await failureOf(await sendCallback({ order_id: orderId, amount, timestamp: now() }), 400);
      expect(error.code, String(amount)).toBe(1001);
    }
    expect((await failureOf(await sendCallback({ order_id: orderId, amount: "abc", timestamp: now() }), 400)).code).toBe(1001);
    expect(await balanceOf(token)).toBe(0);
    await envelope(await sendCallback({ order_id: orderId, amount: 50, timestamp: now() }), 200);
    expect(await balanceOf(token)).toBe(5000);
  });

  it("a replayed callback (even 20 at once) answers the same result and credits once", async () => {
    const { token, orderId } = await pendingOrder("12.34");
    const body = { order_id: orderId, amount: "12.34", timestamp: now(), provider_txn_id: "ali-1" };
    const answers = await Promise.all(Array.from({ length: 20 }, () => sendCallback(body)));
    const bodies = await Promise.all(answers.map((answer) => envelope<{ replayed: boolean; transaction: { id: string } }>(answer, 200)));
    expect(bodies.filter((answer) => !answer.data.replayed)).toHaveLength(1);
    expect(new Set(bodies.map((answer) => answer.data.transaction.id)).size).toBe(1);
    expect(await balanceOf(token)).toBe(1234);
  });

  it("unknown or malformed order ids → 404; a signed but malformed body → 400", async () => {
    const { orderId } = await pendingOrder();
    const unknown = orderId.replace(/_[0-9a-f]{24}$/, `_${"0".repeat(24)}`);
    expect((await failureOf(await sendCallback({ order_id: unknown, amount: "50", timestamp: now() }), 404)).code).toBe(1004);
    expect((await failureOf(await sendCallback({ order_id: "nope", amount: "50", timestamp: now() }), 404)).code).toBe(1004);
    expect((await failureOf(await sendCallback("{not json"), 400)).code).toBe(1001);
    expect((await failureOf(await sendCallback(JSON.stringify({ order_id: orderId })), 400)).code).toBe(1001);
  });
});
