import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AdminStats } from "../admin/stats";
import { api, envelope, login, registerAdmin, registerUser } from "../../test/workerd/api";
import { consume } from "../../test/workerd/quota";
import { balanceOf, fundWallet, walletApi } from "../../test/workerd/wallet";

const admin = await registerAdmin();
const stats = async (refresh = true) =>
  (await envelope<AdminStats>(await api(`/api/v1/admin/stats${refresh ? "?refresh=true" : ""}`, { token: admin.pair.token }), 200)).data;

/** Quota activity is recorded after the response (waitUntil): poll until `ready` holds. */
async function statsWhen(ready: (data: AdminStats) => boolean): Promise<AdminStats> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const data = await stats();
    if (ready(data) || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("admin statistics (happy)", () => {
  it("users: total, active in 7 days, new today (local day), by status and role, from the stored accounts", async () => {
    const before = await stats();
    expect(before.timeZone).toBe("Asia/Shanghai");
    const [a, b, c, d] = await Promise.all([registerUser(), registerUser(), registerUser(), registerUser()]);
    await login(a.username, a.password);
    await login(b.username, b.password);
    // b last logged in 8 days ago; c joined before today began.
    await env.DB.prepare("UPDATE users SET last_login_at = ? WHERE id = ?")
      .bind(Date.now() - 8 * 86_400_000, b.pair.user_id)
      .run();
    await env.DB.prepare("UPDATE users SET created_at = ? WHERE id = ?")
      .bind(Date.parse(before.dayStart) - 1, c.pair.user_id)
      .run();
    await api(`/api/v1/admin/users/${d.pair.user_id}/status`, { method: "PUT", token: admin.pair.token, json: { status: "banned", reason: "spam" } });
    await api(`/api/v1/admin/users/${a.pair.user_id}/role`, { method: "PUT", token: admin.pair.token, json: { roles: ["reader", "writer"] } });

    const after = await stats();
    expect(after.users.total - before.users.total).toBe(4);
    expect(after.users.newToday - before.users.newToday).toBe(3);
    expect(after.users.activeLast7Days - before.users.activeLast7Days).toBe(1);
    expect(after.users.byStatus.banned - before.users.byStatus.banned).toBe(1);
    expect(after.users.byStatus.active - before.users.byStatus.active).toBe(3);
    expect((after.users.byRole.writer ?? 0) - (before.users.byRole.writer ?? 0)).toBe(1);
    expect(after.users.byRole.admin).toBeGreaterThanOrEqual(1);
    expect(Date.parse(after.dayStart)).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(after.dayStart)).toBeLessThan(86_400_000);
  });

  it("quota: tokens consumed today and users by daily level, from the activity the quota routes record", async () => {
    const before = await stats();
    const users = await Promise.all(Array.from({ length: 5 }, () => registerUser()));
    const [ok, warning, critical, exhausted, suspended] = users.map((user) => user.pair.user_id) as [string, string, string, string, string];
    // Reader plan: 10,000 a day; warning at ≤ 20 % left, critical at ≤ 10 %.
    for (const [userId, amount] of [
      [ok, 100],
      [warning, 8_500],
      [critical, 9_500],
      [exhausted, 10_000],
    ] as const) {
      await envelope(await consume(userId, amount), 200);
    }
    const replay = crypto.randomUUID();
    await consume(ok, 50, replay);
    await consume(ok, 50, replay); // a replay charges nothing and is not counted again
    await envelope(await api(`/api/v1/admin/quota/${suspended}/suspend`, { method: "POST", token: admin.pair.token, json: {} }), 200);

    const expectedTokens = before.quota.tokensConsumedToday + 100 + 8_500 + 9_500 + 10_000 + 50;
    const after = await statsWhen((data) => data.quota.tokensConsumedToday >= expectedTokens && data.quota.suspendedUsers > before.quota.suspendedUsers);
    expect(after.quota.tokensConsumedToday).toBe(expectedTokens);
    expect(after.quota.usersChargedToday - before.quota.usersChargedToday).toBe(4);
    expect(after.quota.usersByLevel.warning - before.quota.usersByLevel.warning).toBe(1);
    expect(after.quota.usersByLevel.critical - before.quota.usersByLevel.critical).toBe(1);
    expect(after.quota.usersByLevel.exhausted - before.quota.usersByLevel.exhausted).toBe(1);
    expect(after.quota.suspendedUsers - before.quota.suspendedUsers).toBe(1);
    const levelled = after.quota.usersByLevel.warning + after.quota.usersByLevel.critical + after.quota.usersByLevel.exhausted;
    expect(after.quota.usersByLevel.ok).toBe(after.users.total - levelled);
  });

  it("wallet: pending, approved and rejected withdrawals and the money held, from the withdrawal index", async () => {
    const before = await stats();
    const insert = env.DB.prepare(
      "INSERT INTO wallet_withdrawals (id, user_id, amount, account, method, status, created_at, version) VALUES (?, ?, ?, 'acct', 'alipay', ?, ?, 1)",
    );
    await env.DB.batch([
      insert.bind(crypto.randomUUID(), "u1", 5_000, "pending", Date.now()),
      insert.bind(crypto.randomUUID(), "u2", 1_250, "pending", Date.now()),
      insert.bind(crypto.randomUUID(), "u3", 700, "approved", Date.now()),
    ]);
    const after = await stats();
    expect(after.wallet.pendingWithdrawals.count - before.wallet.pendingWithdrawals.count).toBe(2);
    expect(after.wallet.pendingWithdrawals.amountFen - before.wallet.pendingWithdrawals.amountFen).toBe(6_250);
    expect(after.wallet.approvedWithdrawals.amountFen - before.wallet.approvedWithdrawals.amountFen).toBe(700);
  });

  it("wallet: balances, held and available money summed from the balance projection the wallets keep", async () => {
    const before = await stats();
    const [a, b] = await Promise.all([registerUser(), registerUser()]);
    await fundWallet(a.pair.token, "100");
    await fundWallet(b.pair.token, "50.5");
    await envelope(await walletApi("/withdraw", a.pair.token, { json: { amount: "30", account: "bank-1" } }), 201);
    await envelope(await walletApi("/consume", b.pair.token, { json: { amount: "0.5", reason: "chapter" }, key: crypto.randomUUID() }), 200);
    // Wallets report within WALLET_BALANCE_SYNC_DELAY_MS (1 s) plus a delivery.
    const expected = before.wallet.balancesFen + 10_000 + 5_000;
    const after = await statsWhen((data) => data.wallet.balancesFen === expected && data.wallet.heldFen === before.wallet.heldFen + 3_000);
    expect(after.wallet.wallets - before.wallet.wallets).toBe(2);
    expect(after.wallet.balancesFen).toBe(expected);
    expect(after.wallet.heldFen - before.wallet.heldFen).toBe(3_000);
    expect(after.wallet.availableFen).toBe(after.wallet.balancesFen - after.wallet.heldFen);
    expect(after.wallet.pendingWithdrawals.count - before.wallet.pendingWithdrawals.count).toBe(1);
    // The projection matches the wallets themselves.
    expect(await balanceOf(a.pair.token)).toBe(10_000);
    expect(await balanceOf(b.pair.token)).toBe(5_000);
  });

  it("numbers are reused for CACHE_STATS_TTL_SECONDS; refresh=true computes them again", async () => {
    const fresh = await stats(true);
    await registerUser();
    const cached = await stats(false);
    expect(cached.generatedAt).toBe(fresh.generatedAt);
    expect(cached.users.total).toBe(fresh.users.total);
    const recomputed = await stats(true);
    expect(recomputed.users.total).toBe(fresh.users.total + 1);
  });
});
