/** Automatic top-up: every invalid setting is a 400 code 1001 naming its field, and nothing is saved. */
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { withRuntimeConfig } from "../../test/workerd/runtime-config";

const PATH = "/api/v1/ai/quota/auto-topup";
const valid = { enabled: true, package: "small", threshold: "warning", maxPerDay: 2 };

async function refused(json: unknown): Promise<Record<string, string>> {
  const { pair } = await registerUser();
  const body = await envelope<{ details: Record<string, string> }>(await api(PATH, { method: "PUT", token: pair.token, json }), 400);
  expect(body.code).toBe(1001);
  expect((await envelope<{ enabled: boolean; package: string | null }>(await api(PATH, { token: pair.token }), 200)).data).toMatchObject({ enabled: false, package: null });
  return body.data.details;
}

describe("automatic top-up (API, errors)", () => {
  it.each([
    ["missing package", { ...valid, package: undefined }, "json.package", "is required to turn automatic top-up on"],
    ["missing threshold", { ...valid, threshold: undefined }, "json.threshold", "is required to turn automatic top-up on"],
    ["missing maxPerDay", { ...valid, maxPerDay: undefined }, "json.maxPerDay", "is required to turn automatic top-up on"],
    ["unknown package", { ...valid, package: "huge" }, "json.package", "no such package"],
    ["exhausted is not a threshold", { ...valid, threshold: "exhausted" }, "json.threshold", undefined],
    ["maxPerDay 0", { ...valid, maxPerDay: 0 }, "json.maxPerDay", undefined],
    ["fractional maxPerDay", { ...valid, maxPerDay: 1.5 }, "json.maxPerDay", undefined],
    ["maxPerDay above the runtime config's limit (10)", { ...valid, maxPerDay: 11 }, "json.maxPerDay", "must be at most 10"],
    ["enabled missing", { package: "small" }, "json.enabled", undefined],
  ])("%s → 400 naming the field", async (_name, json, field, message) => {
    const details = await refused(json);
    expect(Object.keys(details)).toContain(field);
    if (message) expect(details[field]).toBe(message);
  });

  it("a daily package cannot top up the total quota", async () => {
    const packages = [
      { id: "small", quotaType: "total", tokens: 100_000, priceFen: 990 },
      { id: "daily-boost", quotaType: "daily", tokens: 5_000, priceFen: 100 },
    ];
    await withRuntimeConfig({ quota: { packages } }, async () => {
      const details = await refused({ ...valid, package: "daily-boost" });
      expect(details["json.package"]).toContain("must be a total package");
    });
  });
});
