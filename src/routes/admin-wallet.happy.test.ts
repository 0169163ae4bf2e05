import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { balanceOf, failureOf, fundWallet, walletApi } from "../../test/workerd/wallet";

type Withdrawal = { id: string; user_id: string; amount: number; status: string; review_reason: string | null; reviewed_by: string | null };
type Paged<T> = { data: T[]; pagination: { total: number; page: number; page_size: number; has_next: boolean } };

const admin = (path: string, token: string, json?: unknown, method = json === undefined ? "GET" : "POST") => api(path, { method, json, token });

/** Waits for the withdrawal index (fed by the wallets' outboxes) to show `count` rows for a user. */
async function indexed(token: string, userId: string, count: number, status?: string): Promise<Paged<Withdrawal>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const page = (await envelope(
      await admin(`/api/v1/admin/withdrawals?user_id=${userId}${status ? `&status=${status}` : ""}`, token),
      200,
    )) as unknown as Paged<Withdrawal>;
    if (page.pagination.total === count || Date.now() > deadline) return page;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("admin wallet routes (happy)", () => {
  it("approve pays out the hold; reject (with reason) releases it; a second review → 409; every review is logged", async () => {
    const boss = await registerAdmin();
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const first = await envelope<{ withdrawal: Withdrawal }>(await walletApi("/withdraw", pair.token, { json: { amount: "30", account: "bank-1" } }), 201);
    const second = await envelope<{ withdrawal: Withdrawal }>(await walletApi("/withdraw", pair.token, { json: { amount: "20", account: "bank-1" } }), 201);

    const approved = await envelope<{ withdrawal: Withdrawal; balance: number; frozen_amount: number }>(
      await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: first.data.withdrawal.id, approved: true }),
      200,
    );
    expect(approved.data).toMatchObject({ balance: 7000, frozen_amount: 2000, withdrawal: { status: "approved", reviewed_by: boss.pair.user_id } });
    const missingReason = await failureOf(
      await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: second.data.withdrawal.id, approved: false }),
      400,
    );
    expect(missingReason.data?.details).toHaveProperty("json.reason");
    const rejected = await envelope<{ withdrawal: Withdrawal; frozen_amount: number }>(
      await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: second.data.withdrawal.id, approved: false, reason: "account closed" }),
      200,
    );
    expect(rejected.data).toMatchObject({ frozen_amount: 0, withdrawal: { status: "rejected", review_reason: "account closed" } });
    for (const [id, approvedAgain] of [
      [first.data.withdrawal.id, false],
      [second.data.withdrawal.id, true],
    ] as const) {
      const again = await failureOf(
        await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: id, approved: approvedAgain, reason: "again" }),
        409,
      );
      expect(again.code).toBe(1006);
    }
    expect(await balanceOf(pair.token)).toBe(7000);
    const unknown = `wd_${pair.user_id}_${"0".repeat(24)}`;
    expect((await failureOf(await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: unknown, approved: true }), 404)).code).toBe(1004);
    expect((await failureOf(await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: "garbage", approved: true }), 404)).code).toBe(1004);

    const log = await env.DB.prepare("SELECT action, target FROM admin_operation_logs WHERE admin_id = ? ORDER BY created_at").bind(boss.pair.user_id).all();
    expect(log.results).toEqual([
      { action: "wallet.withdraw_approve", target: `withdrawal:${first.data.withdrawal.id}` },
      { action: "wallet.withdraw_reject", target: `withdrawal:${second.data.withdrawal.id}` },
    ]);
  });

  it("the admin list filters by status, user and date range with real totals; stats sum per status", async () => {
    const boss = await registerAdmin();
    const alice = await registerUser();
    const bob = await registerUser();
    await fundWallet(alice.pair.token, "500");
    await fundWallet(bob.pair.token, "500");
    const ids: string[] = [];
    for (const amount of ["10", "20", "30"]) {
      ids.push(
        (await envelope<{ withdrawal: Withdrawal }>(await walletApi("/withdraw", alice.pair.token, { json: { amount, account: "bank-a" } }), 201)).data
          .withdrawal.id,
      );
    }
    await envelope(await walletApi("/withdraw", bob.pair.token, { json: { amount: "40", account: "bank-b" } }), 201);
    await envelope(await admin("/api/v1/admin/withdraw/review", boss.pair.token, { withdraw_id: ids[0], approved: true }), 200);

    expect((await indexed(boss.pair.token, alice.pair.user_id, 1, "approved")).data.map((row) => row.amount)).toEqual([1000]);
    const pending = await indexed(boss.pair.token, alice.pair.user_id, 2, "pending");
    expect(pending.data.map((row) => row.amount)).toEqual([3000, 2000]);
    const paged = (await envelope(
      await admin(`/api/v1/admin/withdrawals?user_id=${alice.pair.user_id}&page=2&page_size=2`, boss.pair.token),
      200,
    )) as unknown as Paged<Withdrawal>;
    expect(paged.pagination).toMatchObject({ total: 3, page: 2, page_size: 2, has_next: false });
    expect(paged.data).toHaveLength(1);
    await indexed(boss.pair.token, bob.pair.user_id, 1);

    const today = new Date().toISOString().slice(0, 10);
    const inRange = (await envelope(
      await admin(`/api/v1/admin/withdrawals?user_id=${alice.pair.user_id}&from=${today}&to=${today}`, boss.pair.token),
      200,
    )) as unknown as Paged<Withdrawal>;
    expect(inRange.pagination.total).toBe(3);
    const before = (await envelope(
      await admin(`/api/v1/admin/withdrawals?user_id=${alice.pair.user_id}&to=2020-01-01`, boss.pair.token),
      200,
    )) as unknown as Paged<Withdrawal>;
    expect(before.pagination.total).toBe(0);
    expect((await failureOf(await admin("/api/v1/admin/withdrawals?from=yesterday", boss.pair.token), 400)).code).toBe(1001);

    await indexed(boss.pair.token, alice.pair.user_id, 1, "approved");
    const stats = await envelope(await admin(`/api/v1/admin/withdrawals/stats?user_id=${alice.pair.user_id}`, boss.pair.token), 200);
    expect(stats.data).toEqual({
      by_status: { pending: { count: 2, amount: 5000 }, approved: { count: 1, amount: 1000 }, rejected: { count: 0, amount: 0 } },
      total: { count: 3, amount: 6000 },
    });
  });

  it("freeze and unfreeze: the wallet shows the flag and reason; unknown users → 404; both are logged", async () => {
    const boss = await registerAdmin();
    const { pair } = await registerUser();
    const frozen = await envelope(await admin(`/api/v1/admin/wallet/${pair.user_id}/freeze`, boss.pair.token, { reason: "chargeback" }), 200);
    expect(frozen.data).toMatchObject({ user_id: pair.user_id, frozen: true, frozen_reason: "chargeback" });
    expect((await envelope(await walletApi("/detail", pair.token), 200)).data).toMatchObject({ frozen: true });
    const unfrozen = await envelope(await admin(`/api/v1/admin/wallet/${pair.user_id}/unfreeze`, boss.pair.token, {}), 200);
    expect(unfrozen.data).toMatchObject({ frozen: false, frozen_reason: null });
    expect((await failureOf(await admin(`/api/v1/admin/wallet/${crypto.randomUUID()}/freeze`, boss.pair.token, {}), 404)).code).toBe(1004);
    const log = await env.DB.prepare("SELECT action FROM admin_operation_logs WHERE admin_id = ? ORDER BY created_at").bind(boss.pair.user_id).all();
    expect(log.results.map((row) => row.action)).toEqual(["wallet.freeze", "wallet.unfreeze"]);
  });

  it("verify replays a wallet's ledger and shows what is in flight", async () => {
    const boss = await registerAdmin();
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    await envelope(await walletApi("/consume", pair.token, { json: { amount: "1.5", reason: "x" } }), 200);
    const report = await envelope(await admin(`/api/v1/admin/wallet/${pair.user_id}/verify`, boss.pair.token), 200);
    expect(report.data).toEqual({
      ledger: { ok: true, rows: 2, balance: 9850, held: 0, replayed_balance: 9850, replayed_held: 0, problems: [] },
      in_flight: { transfers: 0, quota_purchases: 0, messages: 0 },
    });
    expect((await failureOf(await admin(`/api/v1/admin/wallet/${crypto.randomUUID()}/verify`, boss.pair.token), 404)).code).toBe(1004);
  });
});
