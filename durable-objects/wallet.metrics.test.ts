/**
 * What a Wallet records: each posting as a successful transaction with the
 * money it moved, refusals and replays by result, outbox messages owed (+1 on
 * debit, −1 once settled) and delivery retries. The objects share the test's
 * isolate, so spies on the isolate buffer see every sample.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MetricsBuffer } from "../src/metrics/buffer";
import { Wallet } from "./wallet/object";
import { eventually, failure, freshWallet, fund, key, ok } from "../test/workerd/wallet-object";

afterEach(() => {
  vi.restoreAllMocks();
});

function recorded() {
  const inc = vi.spyOn(MetricsBuffer.prototype, "inc");
  const add = vi.spyOn(MetricsBuffer.prototype, "add");
  const calls = (spy: typeof inc | typeof add, family: string) =>
    spy.mock.calls.filter(([name]) => name === family).map(([, labels, value]) => [labels, value ?? 1]);
  return {
    transactions: () => calls(inc, "qingyu_wallet_transactions_total"),
    amounts: () => calls(inc, "qingyu_wallet_amount_fen_total"),
    pending: () => calls(add, "qingyu_wallet_outbox_pending"),
    retries: () => calls(inc, "qingyu_wallet_outbox_delivery_retries_total"),
  };
}

describe("Wallet metrics", () => {
  it("a transfer: recharge and transfer_out on the sender, transfer_in on the receiver, one outbox message owed then settled", async () => {
    const metrics = recorded();
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 5000);
    ok(await alice.stub.transfer({ toUserId: bob.id, amount: 1234, idempotencyKey: key() }));
    expect(metrics.transactions()).toEqual([
      [{ type: "recharge", result: "success" }, 1],
      [{ type: "transfer_out", result: "success" }, 1],
      [{ type: "transfer_in", result: "success" }, 1],
    ]);
    expect(metrics.amounts()).toEqual([
      [{ type: "recharge" }, 5000],
      [{ type: "transfer_out" }, 1234],
      [{ type: "transfer_in" }, 1234],
    ]);
    expect(metrics.pending()).toEqual([
      [{ kind: "transfer" }, 1],
      [{ kind: "transfer" }, -1],
    ]);
    // The first send creates the retry series at 0.
    expect(metrics.retries()).toEqual([[{ kind: "transfer" }, 0]]);
  });

  it("refusals and replays are counted by result and move no money", async () => {
    const metrics = recorded();
    const alice = freshWallet("alice");
    expect(failure(await alice.stub.consume({ amount: 100, idempotencyKey: key(), reason: "tea" })).code).toBe("insufficient_balance");
    const idempotencyKey = key();
    await fund(alice.stub, 500);
    ok(await alice.stub.consume({ amount: 100, idempotencyKey, reason: "tea" }));
    ok(await alice.stub.consume({ amount: 100, idempotencyKey, reason: "tea" }));
    expect(metrics.transactions()).toEqual([
      [{ type: "consume", result: "insufficient" }, 1],
      [{ type: "recharge", result: "success" }, 1],
      [{ type: "consume", result: "success" }, 1],
      [{ type: "consume", result: "duplicate" }, 1],
    ]);
    expect(metrics.amounts()).toEqual([
      [{ type: "recharge" }, 500],
      [{ type: "consume" }, 100],
    ]);
  });

  it("a failed delivery retried by the alarm counts one retry, and the message stays owed until it is acknowledged", async () => {
    const metrics = recorded();
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 1000);
    vi.spyOn(Wallet.prototype, "creditTransfer").mockImplementationOnce(() => {
      throw new Error("receiver down");
    });
    const result = ok(await alice.stub.transfer({ toUserId: bob.id, amount: 250, idempotencyKey: key() }));
    expect(result.transfer.status).toBe("pending");
    expect(metrics.pending()).toEqual([[{ kind: "transfer" }, 1]]);
    await eventually(
      async () => {
        await runDurableObjectAlarm(alice.stub);
        return metrics.pending().length === 2;
      },
      10_000,
      "the retried delivery",
    );
    expect(metrics.retries()).toEqual([
      [{ kind: "transfer" }, 0],
      [{ kind: "transfer" }, 1],
    ]);
    expect(metrics.pending()).toEqual([
      [{ kind: "transfer" }, 1],
      [{ kind: "transfer" }, -1],
    ]);
  });
});
