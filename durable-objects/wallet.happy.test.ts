/** Wallet Durable Object: the normal paths, each leaving a ledger that replays to the balance. */
import { describe, expect, it } from "vitest";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eventually, failure, freshWallet, fund, key, ok, sqlRows } from "../test/workerd/wallet-object";

describe("Wallet (happy)", () => {
  it("a new wallet is empty, in CNY, not frozen", async () => {
    const { id, stub } = freshWallet("new");
    const wallet = await stub.getWallet();
    expect(wallet).toMatchObject({ user_id: id, balance: 0, frozen_amount: 0, available_amount: 0, frozen: false, currency: "CNY", total_income: 0 });
    expect(ok(await stub.verifyLedger())).toMatchObject({ ok: true, rows: 0 });
  });

  it("a recharge order stays pending until its callback, which credits it exactly once", async () => {
    const { stub } = freshWallet("recharge");
    const created = ok(await stub.createRecharge({ amount: 1234, method: "wechat", idempotencyKey: key() }));
    expect(created.order).toMatchObject({ amount: 1234, method: "wechat", status: "pending", transaction_id: null, credited_at: null });
    expect(created.order.order_id).toMatch(/^rc_/);
    expect((await stub.getWallet()).balance).toBe(0);

    const first = ok(await stub.completeRecharge({ orderId: created.order.order_id, amount: 1234, providerTxnId: "p-1" }));
    expect(first).toMatchObject({
      replayed: false,
      balance: 1234,
      order: { status: "credited" },
      transaction: { type: "recharge", amount: 1234, balance_after: 1234 },
    });
    const again = ok(await stub.completeRecharge({ orderId: created.order.order_id, amount: 1234, providerTxnId: "p-1" }));
    expect(again).toMatchObject({ replayed: true, balance: 1234, transaction: { id: first.transaction.id } });
    expect((await stub.getWallet()).balance).toBe(1234);
    expect(ok(await stub.verifyLedger()).ok).toBe(true);
  });

  it("sandbox recharges are credited at creation", async () => {
    const { stub } = freshWallet("sandbox");
    const result = ok(await stub.createRecharge({ amount: 500, method: "bank", idempotencyKey: key(), sandbox: true }));
    expect(result).toMatchObject({ balance: 500, order: { status: "credited" }, transaction: { type: "recharge", amount: 500 } });
  });

  it("consume debits the available balance; a replayed key returns the original result and moves nothing", async () => {
    const { stub } = freshWallet("consume");
    await fund(stub, 1000);
    const idempotencyKey = key();
    const first = ok(await stub.consume({ amount: 300, reason: "chapter 12", idempotencyKey }));
    expect(first).toMatchObject({
      replayed: false,
      balance: 700,
      available_amount: 700,
      transaction: { type: "consume", amount: -300, balance_after: 700, status: "completed", reason: "chapter 12", idempotency_key: idempotencyKey },
    });
    const replay = ok(await stub.consume({ amount: 300, reason: "chapter 12", idempotencyKey }));
    expect(replay).toEqual({ ...first, replayed: true });
    expect((await stub.getWallet()).balance).toBe(700);
    expect(await stub.getWallet()).toMatchObject({ total_income: 1000, total_expense: 300 });
  });

  it("a consume without a key records nothing for replay; its ledger row names a minted key; a caller's key that looks minted still replays", async () => {
    const { stub } = freshWallet("no-key");
    await fund(stub, 1000);
    const before = (await sqlRows<{ n: number }>(stub, "SELECT count(*) AS n FROM requests"))[0]!.n;
    const first = ok(await stub.consume({ amount: 100, reason: "no key", idempotencyKey: null }));
    const second = ok(await stub.consume({ amount: 100, reason: "no key", idempotencyKey: null }));
    expect([first.replayed, second.replayed]).toEqual([false, false]);
    expect(first.transaction.idempotency_key).toMatch(/^auto-/);
    expect(second.transaction.idempotency_key).not.toBe(first.transaction.idempotency_key);
    expect((await sqlRows<{ n: number }>(stub, "SELECT count(*) AS n FROM requests"))[0]!.n).toBe(before);
    expect((await stub.getWallet()).balance).toBe(800);

    const lookalike = `auto-${crypto.randomUUID()}`;
    const paid = ok(await stub.consume({ amount: 50, reason: "lookalike", idempotencyKey: lookalike }));
    expect(ok(await stub.consume({ amount: 50, reason: "lookalike", idempotencyKey: lookalike }))).toEqual({ ...paid, replayed: true });
    expect((await stub.getWallet()).balance).toBe(750);
  });

  it("withdraw holds the amount; approval pays it out, rejection releases it", async () => {
    const { stub } = freshWallet("withdraw");
    await fund(stub, 10_000);
    const held = ok(await stub.requestWithdraw({ amount: 3000, account: "6222 **** 0001", idempotencyKey: key(), minimum: 1000 }));
    expect(held).toMatchObject({
      balance: 10_000,
      frozen_amount: 3000,
      available_amount: 7000,
      withdrawal: { status: "pending", amount: 3000, method: "bank" },
    });
    expect(held.transaction).toMatchObject({ type: "withdraw_hold", amount: 0, held_delta: 3000, held_after: 3000, status: "pending" });

    const approved = ok(await stub.reviewWithdraw({ withdrawId: held.withdrawal.id, approved: true, reviewer: "admin-1" }));
    expect(approved).toMatchObject({ balance: 7000, frozen_amount: 0, withdrawal: { status: "approved", reviewed_by: "admin-1" } });
    expect(approved.transaction).toMatchObject({ type: "withdraw", amount: -3000, held_delta: -3000, balance_after: 7000, held_after: 0 });

    const second = ok(
      await stub.requestWithdraw({ amount: 2000, account: "alipay:reader@example.com", method: "alipay", idempotencyKey: key(), minimum: 1000 }),
    );
    const rejected = ok(await stub.reviewWithdraw({ withdrawId: second.withdrawal.id, approved: false, reason: "account name mismatch", reviewer: "admin-1" }));
    expect(rejected).toMatchObject({
      balance: 7000,
      frozen_amount: 0,
      available_amount: 7000,
      withdrawal: { status: "rejected", review_reason: "account name mismatch" },
    });
    expect(rejected.transaction).toMatchObject({ type: "withdraw_release", amount: 0, held_delta: -2000 });

    const holds = await sqlRows<{ status: string }>(stub, "SELECT status FROM ledger WHERE type = 'withdraw_hold' ORDER BY seq");
    expect(holds.map((row) => row.status)).toEqual(["approved", "rejected"]);
    const page = ok(await stub.listWithdrawals({ limit: 10 }));
    expect(page.total).toBe(2);
    expect(page.items.map((item) => item.status)).toEqual(["rejected", "approved"]);
    expect(ok(await stub.listWithdrawals({ status: "approved" })).total).toBe(1);
    expect(ok(await stub.verifyLedger())).toMatchObject({ ok: true, rows: 5 });

    // The admins' D1 index follows through the outbox, ending at each withdrawal's latest version.
    const indexed = () =>
      env.DB.prepare("SELECT id, status, version FROM wallet_withdrawals WHERE user_id = ? ORDER BY created_at").bind(held.withdrawal.user_id).all();
    await eventually(
      async () => (await indexed()).results.every((row) => row.version === 2) && (await indexed()).results.length === 2,
      10_000,
      "withdrawal index",
    );
    expect((await indexed()).results).toEqual([
      { id: held.withdrawal.id, status: "approved", version: 2 },
      { id: second.withdrawal.id, status: "rejected", version: 2 },
    ]);
  });

  it("a frozen wallet still receives; unfreezing restores spending", async () => {
    const { stub } = freshWallet("freeze");
    await fund(stub, 1000);
    const frozen = ok(await stub.setFrozen({ frozen: true, reason: "chargeback review", by: "admin-1" }));
    expect(frozen).toMatchObject({ changed: true, wallet: { frozen: true, frozen_reason: "chargeback review" } });
    expect(failure(await stub.consume({ amount: 1, reason: "x", idempotencyKey: key() })).code).toBe("wallet_frozen");
    await fund(stub, 500);
    expect((await stub.getWallet()).balance).toBe(1500);
    expect(ok(await stub.setFrozen({ frozen: true, by: "admin-1" })).changed).toBe(false);
    ok(await stub.setFrozen({ frozen: false, by: "admin-1" }));
    expect(ok(await stub.consume({ amount: 1, reason: "x", idempotencyKey: key() })).balance).toBe(1499);
  });

  it("transactions: newest first, filtered by type, totals per filter", async () => {
    const { stub } = freshWallet("pages");
    await fund(stub, 10_000);
    for (let index = 0; index < 25; index++) ok(await stub.consume({ amount: 10 + index, reason: `c${index}`, idempotencyKey: key() }));
    const all = ok(await stub.listTransactions({ limit: 10, offset: 0 }));
    expect(all.total).toBe(26);
    expect(all.items[0]).toMatchObject({ type: "consume", amount: -34 });
    const consumes = ok(await stub.listTransactions({ type: "consume", limit: 10, offset: 20 }));
    expect(consumes.total).toBe(25);
    expect(consumes.items).toHaveLength(5);
    expect(consumes.items.at(-1)).toMatchObject({ amount: -10 });
    const recharges = ok(await stub.listTransactions({ type: "recharge" }));
    expect(recharges).toMatchObject({ total: 1, items: [{ type: "recharge", amount: 10_000 }] });
    expect(ok(await stub.listTransactions({ type: "refund" }))).toEqual({ items: [], total: 0 });
  });

  it("old idempotency records and settled outbox rows are pruned; pending messages and the ledger never are", async () => {
    const { stub } = freshWallet("prune");
    await fund(stub, 1000);
    const old = Date.now() - 8 * 86_400_000;
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("UPDATE requests SET created_at = ?", old);
      sql.exec(
        "INSERT INTO outbox (id, kind, target, payload, status, next_attempt_at, created_at, settled_at) VALUES ('old', 'k', 't', '{}', 'acked', ?, ?, ?)",
        old,
        old,
        old,
      );
      sql.exec(
        "INSERT INTO outbox (id, kind, target, payload, status, next_attempt_at, created_at) VALUES ('owed', 'k', 't', '{}', 'pending', ?, ?)",
        Date.now() + 3_600_000,
        old,
      );
    });
    await evictDurableObject(stub);
    await stub.getWallet();
    expect(await sqlRows(stub, "SELECT count(*) AS n FROM requests")).toEqual([{ n: 0 }]);
    // (The funding's own balance report is recent, so it is not among the candidates.)
    expect(await sqlRows(stub, "SELECT id FROM outbox WHERE id IN ('old', 'owed')")).toEqual([{ id: "owed" }]);
    expect(await sqlRows(stub, "SELECT count(*) AS n FROM ledger")).toEqual([{ n: 1 }]);
  });
});
