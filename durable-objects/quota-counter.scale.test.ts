/**
 * Latency stays flat as the ledger grows: with 10,000 ledger rows, every query
 * the object runs reads about as many rows as with none. Rows read (SQLite's
 * own count) is the deterministic stand-in for latency on a noisy machine.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { QuotaCounter } from "./quota/object";
import { LEDGER_COUNT_SQL, LEDGER_PAGE_SQL } from "./quota/reads";
import { freshCounter, ok, testPolicy } from "../test/workerd/quota-counter-object";

const LEDGER_ROWS = 10_000;
const policy = testPolicy({ daily: 1_000_000_000, monthly: 1_000_000_000, total: 1_000_000_000 });

/** Adds `count` consume rows of history straight to storage (as many months of use would). */
async function seedLedger(stub: DurableObjectStub<QuotaCounter>, count: number): Promise<void> {
  ok(await stub.getAllQuotas(policy));
  await runInDurableObject(stub, (_instance, state) => {
    state.storage.transactionSync(() => {
      for (let index = 0; index < count; index++) {
        state.storage.sql.exec(
          `INSERT INTO ledger (id, quota_type, amount, type, service, model, request_id, description, before_balance, after_balance, timestamp)
           VALUES (?, 'daily', 1, 'consume', 'chat', 'm1', ?, NULL, 0, 0, ?)`,
          crypto.randomUUID(),
          `seed-${index}`,
          Date.now() - (count - index) * 1_000,
        );
      }
    });
  });
}

type Measured = { result: unknown; rowsRead: number; statements: number };

/** Runs `call` on the instance while counting the rows every SQL statement it runs reads. */
async function measure(stub: DurableObjectStub<QuotaCounter>, call: (instance: QuotaCounter) => unknown): Promise<Measured> {
  return runInDurableObject(stub, (instance: QuotaCounter, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      const cursor = exec(query, ...bindings);
      cursors.push(cursor);
      return cursor;
    }) as SqlStorage["exec"];
    try {
      const result = call(instance);
      return { result, rowsRead: cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0), statements: cursors.length };
    } finally {
      sql.exec = exec;
    }
  });
}

describe("QuotaCounter at 10,000 ledger rows", () => {
  it("consume, reads and statistics read as many rows as on an empty ledger", async () => {
    const empty = freshCounter("scale-empty");
    const full = freshCounter("scale-full");
    ok(await empty.getAllQuotas(policy));
    await seedLedger(full, LEDGER_ROWS);

    const calls: Array<[string, (instance: QuotaCounter, round: number) => unknown]> = [
      ["consume", (instance, round) => instance.consume({ amount: 1, service: "chat", model: "m1", requestId: `measure-${round}` }, policy)],
      ["listTransactions", (instance) => instance.listTransactions({ limit: 20, offset: 0 }, policy)],
      ["getStatistics", (instance) => instance.getStatistics(policy)],
      ["getAllQuotas", (instance) => instance.getAllQuotas(policy)],
    ];
    for (const [name, call] of calls) {
      // Second round: the first may include one-time work (policy, lazy creation).
      await measure(empty, (instance) => call(instance, 1));
      await measure(full, (instance) => call(instance, 1));
      const small = await measure(empty, (instance) => call(instance, 2));
      const large = await measure(full, (instance) => call(instance, 2));
      expect(large.statements, name).toBe(small.statements);
      expect(large.rowsRead, `${name}: ${small.rowsRead} rows read on an empty ledger`).toBeLessThanOrEqual(small.rowsRead + 25);
    }

    const page = ok(await full.listTransactions({ limit: 20, offset: 0 }, policy));
    expect(page.total).toBe(LEDGER_ROWS + 2);
    expect(page.items).toHaveLength(20);
    expect(ok(await full.getStatistics(policy)).totalTransactions).toBe(LEDGER_ROWS + 2);
  });

  it("the consume fast path is one transaction of a few indexed statements", async () => {
    const stub = freshCounter("scale-consume");
    await seedLedger(stub, LEDGER_ROWS);
    await measure(stub, (instance) => instance.consume({ amount: 1, service: "chat", requestId: "warm" }, policy));
    const measured = await measure(stub, (instance) => instance.consume({ amount: 1, service: "chat", model: "m1", requestId: "fast" }, policy));
    expect(measured.result).toMatchObject({ outcome: "ok" });
    // Lookup of the request id and the row, update, ledger insert, two usage upserts, request record.
    expect(measured.statements).toBeLessThanOrEqual(7);
    expect(measured.rowsRead).toBeLessThan(20);
  });

  it("ledger page and count queries walk an index, never the whole table", async () => {
    const stub = freshCounter("scale-plan");
    await seedLedger(stub, LEDGER_ROWS);
    const read = await runInDurableObject(stub, (_instance, state) => {
      const page = state.storage.sql.exec(LEDGER_PAGE_SQL, 20, 0);
      page.toArray();
      const count = state.storage.sql.exec(LEDGER_COUNT_SQL);
      count.toArray();
      return { page: page.rowsRead, count: count.rowsRead };
    });
    expect(read.page).toBeLessThanOrEqual(21);
    expect(read.count).toBeLessThanOrEqual(2);
  });
});
