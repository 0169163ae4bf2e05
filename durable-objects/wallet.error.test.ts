/** Wallet Durable Object: refusals move nothing, and storage itself refuses to break the invariants. */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { failure, freshWallet, fund, key, ok, sqlRows } from "../test/workerd/wallet-object";

describe("Wallet (error)", () => {
  it.each([
    ["zero", { amount: 0 }],
    ["negative", { amount: -1 }],
    ["fractional fen", { amount: 1.5 }],
    ["a string", { amount: "12.34" }],
    ["NaN", { amount: Number.NaN }],
    ["beyond the absolute cap", { amount: 1e16 }],
    ["no reason", { reason: "" }],
    ["a key with spaces", { idempotencyKey: "a b" }],
  ])("consume with %s → invalid_argument, nothing moves", async (_name, override) => {
    const { stub } = freshWallet("bad-input");
    await fund(stub, 1000);
    const error = failure(await stub.consume({ amount: 10, reason: "x", idempotencyKey: key(), ...override } as never));
    expect(error.code).toBe("invalid_argument");
    expect((await stub.getWallet()).balance).toBe(1000);
  });

  it("consume beyond the available balance (held money excluded) → insufficient_balance", async () => {
    const { stub } = freshWallet("insufficient");
    await fund(stub, 5000);
    ok(await stub.requestWithdraw({ amount: 4000, account: "bank-1", idempotencyKey: key(), minimum: 1000 }));
    const error = failure(await stub.consume({ amount: 1001, reason: "x", idempotencyKey: key() }));
    expect(error).toMatchObject({ code: "insufficient_balance", details: { amount: "exceeds the available 10.00" } });
    expect(await stub.getWallet()).toMatchObject({ balance: 5000, frozen_amount: 4000, available_amount: 1000 });
  });

  it("withdraw: below the minimum, frozen, or beyond available → refused, nothing held", async () => {
    const { stub } = freshWallet("withdraw-errors");
    await fund(stub, 5000);
    expect(failure(await stub.requestWithdraw({ amount: 999, account: "bank-1", idempotencyKey: key(), minimum: 1000 })).code).toBe("below_minimum");
    expect(failure(await stub.requestWithdraw({ amount: 5001, account: "bank-1", idempotencyKey: key(), minimum: 1000 })).code).toBe("insufficient_balance");
    ok(await stub.setFrozen({ frozen: true, by: "admin" }));
    expect(failure(await stub.requestWithdraw({ amount: 1000, account: "bank-1", idempotencyKey: key(), minimum: 1000 })).code).toBe("wallet_frozen");
    expect(await stub.getWallet()).toMatchObject({ balance: 5000, frozen_amount: 0 });
    expect(ok(await stub.listWithdrawals({})).total).toBe(0);
  });

  it("a withdrawal is reviewed once: a second review, either way, is a conflict", async () => {
    const { stub } = freshWallet("review-twice");
    await fund(stub, 5000);
    const { withdrawal } = ok(await stub.requestWithdraw({ amount: 2000, account: "bank-1", idempotencyKey: key(), minimum: 1000 }));
    expect(failure(await stub.reviewWithdraw({ withdrawId: withdrawal.id, approved: false, reviewer: "admin" })).code).toBe("invalid_argument");
    ok(await stub.reviewWithdraw({ withdrawId: withdrawal.id, approved: true, reviewer: "admin" }));
    const again = await Promise.all([
      stub.reviewWithdraw({ withdrawId: withdrawal.id, approved: true, reviewer: "admin" }),
      stub.reviewWithdraw({ withdrawId: withdrawal.id, approved: false, reason: "changed my mind", reviewer: "admin" }),
    ]);
    expect(again.map((result) => failure(result).code)).toEqual(["conflict", "conflict"]);
    expect(await stub.getWallet()).toMatchObject({ balance: 3000, frozen_amount: 0 });
    expect(failure(await stub.reviewWithdraw({ withdrawId: `wd_${"a".repeat(8)}_${"0".repeat(24)}`, approved: true, reviewer: "admin" })).code).toBe(
      "not_found",
    );
  });

  it("recharge callbacks: unknown order → not_found; amount mismatch → refused before and after crediting", async () => {
    const { stub } = freshWallet("callback-errors");
    const { order } = ok(await stub.createRecharge({ amount: 1000, method: "alipay", idempotencyKey: key() }));
    expect(failure(await stub.completeRecharge({ orderId: order.order_id.replace(/.{4}$/, "0000"), amount: 1000 })).code).toBe("not_found");
    expect(failure(await stub.completeRecharge({ orderId: order.order_id, amount: 999 })).code).toBe("amount_mismatch");
    expect((await stub.getWallet()).balance).toBe(0);
    ok(await stub.completeRecharge({ orderId: order.order_id, amount: 1000 }));
    expect(failure(await stub.completeRecharge({ orderId: order.order_id, amount: 100_000 })).code).toBe("amount_mismatch");
    expect((await stub.getWallet()).balance).toBe(1000);
  });

  it("the same Idempotency-Key with different parameters is a conflict", async () => {
    const { stub } = freshWallet("key-reuse");
    await fund(stub, 1000);
    const idempotencyKey = key();
    ok(await stub.consume({ amount: 10, reason: "a", idempotencyKey }));
    expect(failure(await stub.consume({ amount: 11, reason: "a", idempotencyKey })).code).toBe("conflict");
    expect((await stub.getWallet()).balance).toBe(990);
  });

  it("storage refuses to rewrite or delete ledger rows and to store a negative balance", async () => {
    const { stub } = freshWallet("tamper");
    await fund(stub, 1000);
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      expect(() => sql.exec("UPDATE ledger SET amount = 999999")).toThrow(/immutable/);
      expect(() => sql.exec("DELETE FROM ledger")).toThrow(/append-only/);
      expect(() => sql.exec("UPDATE wallet SET balance = -1")).toThrow(/CHECK/);
      expect(() => sql.exec("UPDATE wallet SET held = balance + 1")).toThrow(/CHECK/);
    });
    expect((await stub.verifyLedger()).ok).toBe(true);
  });

  it("verifyLedger notices a balance that does not match the replayed ledger", async () => {
    const { stub } = freshWallet("drift");
    await fund(stub, 1000);
    await runInDurableObject(stub, (_instance, state) => state.storage.sql.exec("UPDATE wallet SET balance = balance + 1"));
    const report = await stub.verifyLedger();
    expect(report).toMatchObject({ ok: false, balance: 1001, replayed_balance: 1000 });
    expect(report.problems.join("\n")).toContain("stored balance 1001, replay 1000");
    expect(await sqlRows(stub, "SELECT count(*) AS n FROM ledger")).toEqual([{ n: 1 }]);
  });
});
