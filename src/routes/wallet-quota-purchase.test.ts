/** Buying AI quota with wallet money: exactly once, refunded when the quota side refuses. */
import { configStore } from "../../durable-objects/config-store/client";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QuotaCounter } from "../../durable-objects/quota/object";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";
import { balanceOf, failureOf, fundWallet, walletApi } from "../../test/workerd/wallet";

type Purchase = {
  purchase: { purchase_id: string; status: string; tokens: number; price: number; package_id: string | null; refund_reason: string | null };
  balance: number;
  replayed: boolean;
};

const buy = (token: string, json: unknown, key?: string) => api("/api/v1/ai/quota/recharge", { json, token, headers: key ? { "Idempotency-Key": key } : {} });
const totalQuota = async (token: string) => (await envelope<{ totalQuota: number }>(await api("/api/v1/ai/quota?type=total", { token }), 200)).data.totalQuota;
const ledger = async (token: string, type: string) =>
  (await envelope<Array<{ amount: number; status: string; reference: string }>>(await walletApi(`/transactions?type=${type}`, token), 200)).data;

afterEach(() => {
  vi.restoreAllMocks();
});

describeAuthSecurity("quota purchase", [{ method: "POST", path: "/api/v1/ai/quota/recharge", json: { package: "small" } }]);

describe("quota purchase with wallet money", () => {
  it("a package: the wallet pays its runtime-config price and the total quota grows by its tokens, once per Idempotency-Key", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const before = await totalQuota(pair.token);
    const first = await envelope<Purchase>(await buy(pair.token, { package: "small" }, "buy-1"), 200);
    expect(first.data).toMatchObject({
      replayed: false,
      balance: 10_000 - 990,
      purchase: { status: "completed", tokens: 100_000, price: 990, package_id: "small" },
    });
    const again = await buy(pair.token, { package: "small" }, "buy-1");
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await envelope<Purchase>(again, 200)).data).toMatchObject({
      replayed: true,
      purchase: { purchase_id: first.data.purchase.purchase_id, status: "completed" },
    });
    expect(await totalQuota(pair.token)).toBe(before + 100_000);
    expect(await balanceOf(pair.token)).toBe(9010);
    expect(await ledger(pair.token, "quota_purchase")).toEqual([
      expect.objectContaining({ amount: -990, status: "completed", reference: first.data.purchase.purchase_id }),
    ]);
  });

  it("an amount buys total tokens at the runtime config's wallet.quotaTokensPerYuan", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "10");
    const before = await totalQuota(pair.token);
    const bought = await envelope<Purchase>(await buy(pair.token, { amount: "2.5" }), 200);
    const { quotaTokensPerYuan } = (await configStore(env.CONFIG_STORE).get()).document.wallet;
    const tokens = (250 * quotaTokensPerYuan) / 100;
    expect(bought.data.purchase).toMatchObject({ status: "completed", tokens, price: 250, package_id: null });
    expect(await totalQuota(pair.token)).toBe(before + tokens);
  });

  it("a suspended quota refuses: the money comes back, and the ledger shows the purchase and its refund", async () => {
    const boss = await registerAdmin();
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    await envelope(await api(`/api/v1/admin/quota/${pair.user_id}/suspend`, { json: { quotaType: "total" }, token: boss.pair.token }), 200);
    const before = await totalQuota(pair.token);
    const refused = await envelope<Purchase>(await buy(pair.token, { package: "large" }), 200);
    expect(refused.data).toMatchObject({ balance: 10_000, purchase: { status: "refunded" } });
    expect(refused.data.purchase.refund_reason).toContain("suspended");
    expect(await balanceOf(pair.token)).toBe(10_000);
    expect(await totalQuota(pair.token)).toBe(before);
    expect(await ledger(pair.token, "quota_purchase")).toEqual([expect.objectContaining({ amount: -8800, status: "refunded" })]);
    expect(await ledger(pair.token, "refund")).toEqual([expect.objectContaining({ amount: 8800, reference: refused.data.purchase.purchase_id })]);
    expect((await env.WALLET.getByName(pair.user_id).verifyLedger()).ok).toBe(true);
  });

  it("a recharge that fails on the way is retried by the alarm and adds the tokens exactly once, even when the first one did land", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const before = await totalQuota(pair.token);
    const real = QuotaCounter.prototype.recharge;
    // The first recharge is applied by the counter, but its answer is lost: the wallet cannot tell and must retry.
    vi.spyOn(QuotaCounter.prototype, "recharge").mockImplementationOnce(function (this: QuotaCounter, ...args: Parameters<QuotaCounter["recharge"]>) {
      real.apply(this, args);
      throw new Error("answer lost");
    });
    const pending = await envelope<Purchase>(await buy(pair.token, { package: "small" }), 200);
    expect(pending.data.purchase.status).toBe("pending");
    const deadline = Date.now() + 10_000;
    while ((await ledger(pair.token, "quota_purchase"))[0]?.status !== "completed" && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await ledger(pair.token, "quota_purchase"))[0]?.status).toBe("completed");
    expect(await totalQuota(pair.token)).toBe(before + 100_000);
    expect(await balanceOf(pair.token)).toBe(9010);
    expect(await env.WALLET.getByName(pair.user_id).inFlight()).toEqual({ transfers: 0, quota_purchases: 0, messages: 0 });
  });

  it("refusals before any debit: unknown package, both or neither of package and amount, bad amount, insufficient balance, frozen wallet", async () => {
    const boss = await registerAdmin();
    const { pair } = await registerUser();
    await fundWallet(pair.token, "5");
    expect((await failureOf(await buy(pair.token, { package: "nope" }), 400)).data?.details).toHaveProperty("json.package");
    expect((await failureOf(await buy(pair.token, { package: "small", amount: 1 }), 400)).code).toBe(1001);
    expect((await failureOf(await buy(pair.token, {}), 400)).code).toBe(1001);
    for (const amount of [0, -1, 0.001, 1e9, "abc", 12.345]) expect((await failureOf(await buy(pair.token, { amount }), 400)).code, String(amount)).toBe(1001);
    expect((await failureOf(await buy(pair.token, { package: "large" }), 409)).code).toBe(3001);
    await envelope(await api(`/api/v1/admin/wallet/${pair.user_id}/freeze`, { method: "POST", token: boss.pair.token }), 200);
    expect((await failureOf(await buy(pair.token, { package: "small" }), 403)).code).toBe(3002);
    expect(await balanceOf(pair.token)).toBe(500);
  });
});
