/** Transfers between two Wallet objects: debit + outbox, delivery, retries, redelivery, refunds. */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { enqueue } from "./outbox/outbox";
import { Wallet } from "./wallet/object";
import { WalletBook } from "./wallet/book";
import { eventually, failure, freshWallet, fund, key, ok, sqlRows } from "../test/workerd/wallet-object";

afterEach(() => {
  vi.restoreAllMocks();
});

const status = async (stub: DurableObjectStub<Wallet>, transferId: string) =>
  (await sqlRows<{ status: string }>(stub, "SELECT status FROM ledger WHERE type = 'transfer_out' AND reference = ?", transferId))[0]?.status;

describe("Wallet transfers", () => {
  it("debits the sender and credits the receiver once; the answer is completed", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 5000);
    const result = ok(await alice.stub.transfer({ toUserId: bob.id, amount: 1234, reason: "gift", idempotencyKey: key() }));
    expect(result).toMatchObject({
      replayed: false,
      balance: 3766,
      transfer: { status: "completed", amount: 1234, from_user_id: alice.id, to_user_id: bob.id },
    });
    expect(result.transaction).toMatchObject({ type: "transfer_out", amount: -1234, related_user_id: bob.id, reference: result.transfer.transfer_id });
    expect((await bob.stub.getWallet()).balance).toBe(1234);
    const [credit] = ok(await bob.stub.listTransactions({ type: "transfer_in" })).items;
    expect(credit).toMatchObject({ amount: 1234, related_user_id: alice.id, reference: result.transfer.transfer_id, status: "completed" });
    expect(await sqlRows(alice.stub, "SELECT status, attempts FROM outbox WHERE kind = 'transfer_credit'")).toEqual([{ status: "acked", attempts: 1 }]);
    expect(await alice.stub.inFlight()).toEqual({ transfers: 0, quota_purchases: 0, messages: 0 });
    expect((await alice.stub.verifyLedger()).ok).toBe(true);
    expect((await bob.stub.verifyLedger()).ok).toBe(true);
  });

  it("a redelivered credit is applied once and answers the first result", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 1000);
    const { transfer } = ok(await alice.stub.transfer({ toUserId: bob.id, amount: 400, idempotencyKey: key() }));
    const payload = { transferId: transfer.transfer_id, fromUserId: alice.id, amount: 400, reason: null };
    const again = ok(await bob.stub.creditTransfer(payload));
    expect(again.duplicate).toBe(true);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => bob.stub.creditTransfer(payload)));
    expect(concurrent.every((answer) => ok(answer).duplicate && ok(answer).transaction_id === again.transaction_id)).toBe(true);
    expect((await bob.stub.getWallet()).balance).toBe(400);
  });

  it("a replayed Idempotency-Key returns the same transfer with its current status and moves nothing", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 1000);
    const idempotencyKey = key();
    const results = (await Promise.all(Array.from({ length: 8 }, () => alice.stub.transfer({ toUserId: bob.id, amount: 100, idempotencyKey })))).map(ok);
    expect(new Set(results.map((result) => result.transfer.transfer_id)).size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    await eventually(async () => (await status(alice.stub, results[0]!.transfer.transfer_id)) === "completed");
    const later = ok(await alice.stub.transfer({ toUserId: bob.id, amount: 100, idempotencyKey }));
    expect(later).toMatchObject({ replayed: true, transfer: { status: "completed" } });
    expect((await alice.stub.getWallet()).balance).toBe(900);
    expect((await bob.stub.getWallet()).balance).toBe(100);
    expect(failure(await alice.stub.transfer({ toUserId: bob.id, amount: 101, idempotencyKey })).code).toBe("conflict");
  });

  it("a failed delivery is retried by the alarm with backoff until acknowledged, across eviction", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 1000);
    const spy = vi.spyOn(Wallet.prototype, "creditTransfer").mockImplementationOnce(() => {
      throw new Error("receiver down");
    });
    const result = ok(await alice.stub.transfer({ toUserId: bob.id, amount: 250, idempotencyKey: key() }));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(result.transfer.status).toBe("pending");
    expect(result.balance).toBe(750);
    const [row] = await sqlRows<{ status: string; attempts: number; last_error: string; next_attempt_at: number }>(
      alice.stub,
      "SELECT * FROM outbox WHERE kind = 'transfer_credit'",
    );
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.last_error).toContain("receiver down");
    expect(row!.next_attempt_at).toBeGreaterThan(Date.now());
    expect(await alice.stub.inFlight()).toMatchObject({ transfers: 250, messages: 1 });
    expect((await bob.stub.getWallet()).balance).toBe(0);

    await evictDurableObject(alice.stub);
    // The alarm set at debit time survives eviction and delivers after the backoff.
    await eventually(async () => (await status(alice.stub, result.transfer.transfer_id)) === "completed", 10_000, "retried delivery");
    expect((await bob.stub.getWallet()).balance).toBe(250);
    expect(await sqlRows(alice.stub, "SELECT status, attempts FROM outbox WHERE kind = 'transfer_credit'")).toEqual([{ status: "acked", attempts: 2 }]);
  });

  it("a credit the receiver refuses for good is refunded, visibly in the ledger", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 1000);
    // The funding's balance report is delivered by its alarm first, so no alarm is left set below.
    await eventually(async () => (await sqlRows(alice.stub, "SELECT id FROM outbox WHERE status = 'pending'")).length === 0);
    const transferId = crypto.randomUUID();
    // A message the receiver must refuse (amount 0), written the way `transfer` writes one.
    await runInDurableObject(alice.stub, (_instance, state) => {
      state.storage.transactionSync(() => {
        const book = new WalletBook(state.storage.sql, alice.id, Date.now());
        book.post({ type: "transfer_out", amount: -300, status: "pending", relatedUserId: bob.id, reference: transferId });
        enqueue(
          state.storage.sql,
          { id: transferId, kind: "transfer_credit", target: bob.id, payload: { transferId, fromUserId: alice.id, amount: 0, reason: null }, amount: 300 },
          Date.now(),
        );
      });
    });
    // A message written without its alarm (as after a crash between commit and setAlarm): the next start schedules it.
    expect(await runDurableObjectAlarm(alice.stub)).toBe(false);
    await evictDurableObject(alice.stub);
    await alice.stub.getWallet();
    await eventually(async () => (await status(alice.stub, transferId)) === "refunded");
    const [refund] = ok(await alice.stub.listTransactions({ type: "refund" })).items;
    expect(refund).toMatchObject({ amount: 300, reference: transferId, related_user_id: bob.id, balance_after: 1000 });
    expect(refund!.reason).toContain("refund");
    expect((await bob.stub.getWallet()).balance).toBe(0);
    expect((await alice.stub.verifyLedger()).ok).toBe(true);
  });

  it("a frozen sender cannot transfer; a frozen receiver still receives", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 1000);
    ok(await bob.stub.setFrozen({ frozen: true, by: "admin" }));
    expect(ok(await alice.stub.transfer({ toUserId: bob.id, amount: 100, idempotencyKey: key() })).transfer.status).toBe("completed");
    expect((await bob.stub.getWallet()).balance).toBe(100);
    expect(failure(await bob.stub.transfer({ toUserId: alice.id, amount: 1, idempotencyKey: key() })).code).toBe("wallet_frozen");
  });

  it("self-transfer and over-balance transfers are refused and move nothing", async () => {
    const alice = freshWallet("alice");
    const bob = freshWallet("bob");
    await fund(alice.stub, 100);
    expect(failure(await alice.stub.transfer({ toUserId: alice.id, amount: 1, idempotencyKey: key() })).code).toBe("self_transfer");
    expect(failure(await alice.stub.transfer({ toUserId: bob.id, amount: 101, idempotencyKey: key() })).code).toBe("insufficient_balance");
    expect((await alice.stub.getWallet()).balance).toBe(100);
    // Only the funding's balance report, no message of the refused transfers.
    expect(await sqlRows(alice.stub, "SELECT * FROM outbox WHERE kind != 'wallet_balance'")).toEqual([]);
  });
});
