/** The wallets' balance projection in D1: merged reports, delivery by alarm, ordering, and the backfill of older wallets. */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { UPSERT_WALLET_BALANCE } from "./wallet/balance-projection";
import { eventually, freshWallet, fund, key, ok, sqlRows } from "../test/workerd/wallet-object";

type ProjectedRow = { balance: number; held: number; version: number };
const projected = (userId: string) => env.DB.prepare("SELECT balance, held, version FROM wallet_balances WHERE user_id = ?").bind(userId).first<ProjectedRow>();

describe("wallet balance projection (happy)", () => {
  it("changes in one window share one report, which carries the latest balance and held money to D1", async () => {
    const { id, stub } = freshWallet("proj");
    await fund(stub, 10_000);
    ok(await stub.consume({ amount: 300, reason: "chapter", idempotencyKey: key() }));
    ok(await stub.requestWithdraw({ amount: 2_000, account: "bank-1", method: "alipay", minimum: 1_000, idempotencyKey: key() }));
    const reports = await sqlRows<{ id: string; status: string }>(stub, "SELECT id, status FROM outbox WHERE kind = 'wallet_balance'");
    expect(reports).toHaveLength(1);
    await eventually(async () => (await projected(id))?.balance === 9_700, 10_000, "the report to reach D1");
    const [last] = await sqlRows<{ seq: number }>(stub, "SELECT max(seq) AS seq FROM ledger");
    expect(await projected(id)).toEqual({ balance: 9_700, held: 2_000, version: last!.seq });
    // Delivered: the next change starts a new report.
    ok(await stub.consume({ amount: 700, reason: "chapter", idempotencyKey: key() }));
    expect(await sqlRows(stub, "SELECT id FROM outbox WHERE kind = 'wallet_balance' AND status = 'pending'")).toHaveLength(1);
    await eventually(async () => (await projected(id))?.balance === 9_000, 10_000, "the second report");
    expect((await stub.inFlight()).messages).toBe(0);
  });

  it("a late, older report never overwrites a newer one", async () => {
    const userId = `late-${crypto.randomUUID()}`;
    await env.DB.prepare(UPSERT_WALLET_BALANCE).bind(userId, 500, 0, 7, Date.now()).run();
    await env.DB.prepare(UPSERT_WALLET_BALANCE).bind(userId, 900, 100, 5, Date.now()).run();
    expect(await projected(userId)).toEqual({ balance: 500, held: 0, version: 7 });
    await env.DB.prepare(UPSERT_WALLET_BALANCE).bind(userId, 400, 0, 8, Date.now()).run();
    expect(await projected(userId)).toEqual({ balance: 400, held: 0, version: 8 });
  });

  it("a wallet that existed before the projection reports itself once when it is upgraded", async () => {
    const { id, stub } = freshWallet("backfill");
    await fund(stub, 4_200);
    await eventually(async () => (await projected(id)) !== null, 10_000, "the first report");
    // Back to the schema before the projection, with no row in D1: as a wallet created by the previous release.
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM outbox WHERE kind = 'wallet_balance'");
      state.storage.sql.exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    });
    await env.DB.prepare("DELETE FROM wallet_balances WHERE user_id = ?").bind(id).run();
    await evictDurableObject(stub);
    await stub.getWallet();
    await eventually(async () => (await projected(id))?.balance === 4_200, 10_000, "the backfilled report");
  });
});
