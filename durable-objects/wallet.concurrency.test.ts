/** Wallet under concurrency: no overspend, replays charge once, pages stay flat at 10,000 rows. */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WalletBook } from "./wallet/book";
import { freshWallet, fund, key, ok, sqlRows } from "../test/workerd/wallet-object";

describe("Wallet concurrency", () => {
  it("200 concurrent consumes of 1.00 against 100.00 → exactly 100 succeed, balance 0", async () => {
    const { stub } = freshWallet("storm");
    await fund(stub, 10_000);
    const results = await Promise.all(Array.from({ length: 200 }, (_, index) => stub.consume({ amount: 100, reason: `c${index}`, idempotencyKey: key() })));
    expect(results.filter((result) => !("error" in result))).toHaveLength(100);
    expect(results.filter((result) => "error" in result && result.error.code === "insufficient_balance")).toHaveLength(100);
    expect((await stub.getWallet()).balance).toBe(0);
    expect(await stub.verifyLedger()).toMatchObject({ ok: true, rows: 101 });
  });

  it("200 concurrent consumes of random amounts → balance ≥ 0 and every refused amount was unaffordable", async () => {
    const { stub } = freshWallet("random-storm");
    await fund(stub, 50_000);
    const amounts = Array.from({ length: 200 }, () => 1 + Math.floor(Math.random() * 1000));
    const results = await Promise.all(amounts.map((amount, index) => stub.consume({ amount, reason: `r${index}`, idempotencyKey: key() })));
    const spent = amounts.filter((_, index) => !("error" in results[index]!)).reduce((sum, amount) => sum + amount, 0);
    const balance = (await stub.getWallet()).balance;
    expect(balance).toBe(50_000 - spent);
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(amounts.reduce((sum, amount) => sum + amount, 0)).toBeGreaterThan(50_000);
    // The balance only went down, so a refused amount that fits the final balance would have fitted when it was refused.
    for (const [index, result] of results.entries()) {
      if ("error" in result) {
        expect(result.error.code).toBe("insufficient_balance");
        expect(amounts[index]).toBeGreaterThan(balance);
      }
    }
    expect((await stub.verifyLedger()).ok).toBe(true);
  });

  it("the same consume key 20 times at once is charged once and answered identically", async () => {
    const { stub } = freshWallet("same-key");
    await fund(stub, 1000);
    const idempotencyKey = key();
    const results = (await Promise.all(Array.from({ length: 20 }, () => stub.consume({ amount: 70, reason: "gift", idempotencyKey })))).map(ok);
    const decisions = results.map(({ replayed: _replayed, ...decision }) => decision);
    for (const decision of decisions) expect(decision).toStrictEqual(decisions[0]);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect((await stub.getWallet()).balance).toBe(930);
  });

  it("transactions at 10,000 rows: pages are index range lookups, the last page as fast as the first", async () => {
    const { id, stub } = freshWallet("big-ledger");
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.transactionSync(() => {
        const book = new WalletBook(state.storage.sql, id, Date.now());
        book.post({ type: "recharge", amount: 100_000_000, status: "completed" });
        for (let index = 0; index < 10_000; index++)
          book.post({ type: index % 2 ? "consume" : "transfer_in", amount: index % 2 ? -1 : 1, status: "completed" });
      });
    });
    const plans = await runInDurableObject(stub, (_instance, state) =>
      [
        "SELECT * FROM ledger WHERE type = 'consume' AND type_seq <= 20 ORDER BY type_seq DESC LIMIT 20",
        "SELECT * FROM ledger WHERE seq <= 21 ORDER BY seq DESC LIMIT 20",
      ].map((query) =>
        state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`)
          .toArray()
          .map((row) => row.detail)
          .join("; "),
      ),
    );
    expect(plans[0]).toContain("USING INDEX ledger_by_type (type=? AND type_seq<?)");
    expect(plans[1]).toContain("USING INTEGER PRIMARY KEY (rowid<?)");
    for (const plan of plans) expect(plan).not.toContain("TEMP B-TREE");

    const time = async (offset: number) => {
      const started = performance.now();
      for (let round = 0; round < 20; round++) ok(await stub.listTransactions({ type: "consume", limit: 20, offset }));
      return (performance.now() - started) / 20;
    };
    await time(0);
    const first = await time(0);
    const last = await time(4980);
    const lastPage = ok(await stub.listTransactions({ type: "consume", limit: 20, offset: 4980 }));
    expect(lastPage.total).toBe(5000);
    expect(lastPage.items).toHaveLength(20);
    expect(lastPage.items.at(-1)).toMatchObject({ type: "consume", balance_after: 100_000_000 });
    const oldest = ok(await stub.listTransactions({ limit: 20, offset: 9990 }));
    expect(oldest.items).toHaveLength(11);
    expect(oldest.items.at(-1)).toMatchObject({ type: "recharge" });
    expect(ok(await stub.listTransactions({ limit: 20, offset: 10_001 })).items).toEqual([]);
    console.log(`ledger page at 10,000 rows: first ${first.toFixed(2)} ms, last ${last.toFixed(2)} ms`);
    expect(last).toBeLessThan(Math.max(first * 3, first + 5));
    expect(await sqlRows(stub, "SELECT n FROM ledger_counts WHERE type = '*'")).toEqual([{ n: 10_001 }]);
    expect((await stub.verifyLedger()).ok).toBe(true);
  });
});
