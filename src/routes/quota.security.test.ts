import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";
import { consume } from "../../test/workerd/quota";

const someone = "00000000-0000-0000-0000-000000000000";

describeAuthSecurity("quota and notifications", [
  { method: "GET", path: "/api/v1/ai/quota" },
  { method: "GET", path: "/api/v1/ai/quota/all" },
  { method: "GET", path: "/api/v1/ai/quota/statistics" },
  { method: "GET", path: "/api/v1/ai/quota/transactions" },
  { method: "GET", path: "/api/v1/ai/quota/stream" },
  { method: "GET", path: "/api/v1/notifications" },
  { method: "POST", path: `/api/v1/notifications/${someone}/read` },
  { method: "GET", path: `/api/v1/admin/quota/${someone}`, roles: ["admin"] },
  { method: "PUT", path: `/api/v1/admin/quota/${someone}`, json: { quotaType: "daily", totalQuota: 5 }, roles: ["admin"] },
  { method: "POST", path: `/api/v1/admin/quota/${someone}/suspend`, roles: ["admin"] },
  { method: "POST", path: `/api/v1/admin/quota/${someone}/activate`, roles: ["admin"] },
  { method: "POST", path: `/api/v1/admin/quota/${someone}/recharge`, json: { quotaType: "total", amount: 5, reason: "x", requestId: "r1" }, roles: ["admin"] },
]);

describe("one user never sees another's quota (security)", () => {
  it("the quota routes only ever address the caller's own object", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    await consume(bob.pair.user_id, 4321);
    const aliceQuota = await envelope<{ usedQuota: number; userId: string }>(await api("/api/v1/ai/quota", { token: alice.pair.token }), 200);
    expect(aliceQuota.data.userId).toBe(alice.pair.user_id);
    expect(aliceQuota.data.usedQuota).toBe(0);
    const aliceLedger = await envelope<unknown[]>(await api("/api/v1/ai/quota/transactions", { token: alice.pair.token }), 200);
    expect(aliceLedger.data).toHaveLength(0);
  });
});
