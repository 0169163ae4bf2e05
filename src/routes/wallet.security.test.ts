import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";
import { balanceOf, fundWallet, walletApi } from "../../test/workerd/wallet";

const W = "/api/v1/finance/wallet";
const someone = "00000000-0000-0000-0000-000000000000";

describeAuthSecurity("wallet", [
  { method: "GET", path: `${W}/balance` },
  { method: "GET", path: `${W}/detail` },
  { method: "GET", path: `${W}/transactions` },
  { method: "GET", path: `${W}/withdraws` },
  { method: "GET", path: `${W}/recharge/orders/rc_${someone}_${"0".repeat(24)}` },
  { method: "POST", path: `${W}/recharge`, json: { amount: 1, method: "alipay" } },
  { method: "POST", path: `${W}/consume`, json: { amount: 1, reason: "x" } },
  { method: "POST", path: `${W}/transfer`, json: { to_user_id: someone, amount: 1 } },
  { method: "POST", path: `${W}/withdraw`, json: { amount: 10, account: "bank-1" } },
  { method: "POST", path: "/api/v1/admin/withdraw/review", json: { withdraw_id: `wd_${someone}_${"0".repeat(24)}`, approved: true }, roles: ["admin"] },
  { method: "GET", path: "/api/v1/admin/withdrawals", roles: ["admin"] },
  { method: "GET", path: "/api/v1/admin/withdrawals/stats", roles: ["admin"] },
  { method: "POST", path: `/api/v1/admin/wallet/${someone}/freeze`, roles: ["admin"] },
  { method: "POST", path: `/api/v1/admin/wallet/${someone}/unfreeze`, roles: ["admin"] },
  { method: "GET", path: `/api/v1/admin/wallet/${someone}/verify`, roles: ["admin"] },
]);

describe("one user never touches another's wallet (security)", () => {
  it("the wallet routes only address the caller's own wallet; another user's order id is not found", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const bobsOrder = await fundWallet(bob.pair.token, "10");
    expect(await balanceOf(alice.pair.token)).toBe(0);
    expect((await envelope(await walletApi(`/recharge/orders/${bobsOrder}`, alice.pair.token), 404)).code).toBe(1004);
    // Fields naming another user in the body are ignored or refused, never obeyed.
    await envelope(await walletApi("/consume", alice.pair.token, { json: { amount: 1, reason: "x", user_id: bob.pair.user_id } }), 409);
    expect(await balanceOf(bob.pair.token)).toBe(1000);
  });

  it("a user token cannot call the admin wallet routes even for their own wallet", async () => {
    const { pair } = await registerUser();
    expect((await envelope(await api(`/api/v1/admin/wallet/${pair.user_id}/unfreeze`, { method: "POST", token: pair.token }), 403)).code).toBe(1003);
  });
});
