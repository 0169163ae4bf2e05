/** Automatic top-up through the API: opt in, cross the threshold through the AI service's consume, and the package is bought once. */
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { consume } from "../../test/workerd/quota";
import { balanceOf, fundWallet, walletApi } from "../../test/workerd/wallet";
import { eventually } from "../../test/workerd/wallet-object";

type Intent = { id: string; status: string; purchaseId: string | null; packageId: string; priceFen: number; tokens: number };
type AutoTopup = { enabled: boolean; package: string | null; packagePriceFen: number | null; threshold: string | null; maxPerDay: number | null; topupsToday: number; recent: Intent[] };

const PATH = "/api/v1/ai/quota/auto-topup";
const setting = async (token: string) => (await envelope<AutoTopup>(await api(PATH, { token }), 200)).data;

describe("automatic top-up (API)", () => {
  it("both routes are in the OpenAPI document, with the setting's fields", async () => {
    type Operation = { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } };
    const document = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
    const path = document.paths[PATH];
    expect(Object.keys(path ?? {}).sort()).toEqual(["get", "put"]);
    expect(Object.keys(path?.put?.requestBody?.content["application/json"]?.schema.properties ?? {}).sort()).toEqual(["enabled", "maxPerDay", "package", "threshold"]);
  });

  it("GET before any setting: off, nothing configured", async () => {
    const { pair } = await registerUser();
    expect(await setting(pair.token)).toEqual({
      enabled: false,
      package: null,
      packageTokens: null,
      packagePriceFen: null,
      threshold: null,
      maxPerDay: null,
      topupsToday: 0,
      updatedAt: null,
      recent: [],
    });
  });

  it("PUT on, then the total quota crossing warning buys the package once: paid from the wallet, credited to the quota, in both ledgers", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const saved = await envelope<AutoTopup & { cancelled: number }>(
      await api(PATH, { method: "PUT", token: pair.token, json: { enabled: true, package: "small", threshold: "warning", maxPerDay: 2 } }),
      200,
    );
    expect(saved.data).toMatchObject({ enabled: true, package: "small", packageTokens: 100_000, packagePriceFen: 990, threshold: "warning", maxPerDay: 2, cancelled: 0 });
    expect(await setting(pair.token)).toMatchObject({ enabled: true, package: "small" });

    const before = (await envelope<{ totalQuota: number }>(await api("/api/v1/ai/quota?type=total", { token: pair.token }), 200)).data.totalQuota;
    // Down to 15% of the total: past warning (20%), not critical (10%).
    expect((await consume(pair.user_id, Math.floor(before * 0.85), crypto.randomUUID(), { quotaType: "total" })).status).toBe(200);
    await eventually(async () => (await setting(pair.token)).recent[0]?.status === "purchased", 10_000, "the top-up");

    const [intent] = (await setting(pair.token)).recent;
    expect(await balanceOf(pair.token)).toBe(10_000 - 990);
    const purchases = (await envelope<Array<{ amount: number; reference: string }>>(await walletApi("/transactions?type=quota_purchase", pair.token), 200)).data;
    expect(purchases).toEqual([expect.objectContaining({ amount: -990, reference: intent?.purchaseId })]);
    const quotaLedger = (await envelope<Array<{ type: string; amount: number; quotaType: string }>>(await api("/api/v1/ai/quota/transactions", { token: pair.token }), 200)).data;
    expect(quotaLedger.filter((row) => row.type === "recharge")).toEqual([expect.objectContaining({ amount: 100_000, quotaType: "total" })]);
    const after = (await envelope<{ totalQuota: number }>(await api("/api/v1/ai/quota?type=total", { token: pair.token }), 200)).data.totalQuota;
    expect(after).toBe(before + 100_000);
    expect((await setting(pair.token)).topupsToday).toBe(1);
  });

  it("PUT off needs no other field and keeps the package for next time", async () => {
    const { pair } = await registerUser();
    await api(PATH, { method: "PUT", token: pair.token, json: { enabled: true, package: "large", threshold: "critical", maxPerDay: 1 } });
    const off = await envelope<AutoTopup & { cancelled: number }>(await api(PATH, { method: "PUT", token: pair.token, json: { enabled: false } }), 200);
    expect(off.data).toMatchObject({ enabled: false, package: "large", threshold: "critical", maxPerDay: 1, cancelled: 0 });
  });
});
