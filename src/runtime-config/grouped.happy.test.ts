import { describe, expect, it } from "vitest";
import { batchPatch, groupedConfig, MASKED_VALUE } from "./grouped";
import { DEFAULT_RUNTIME_CONFIG, RuntimeConfigSchema } from "../../contract/runtime-config/schema";

const withWebhook = RuntimeConfigSchema.parse({ quota: { webhook: { url: "https://hooks.example.com/q", secret: "s".repeat(24) } }, features: { "reader.v2": true } });

describe("the grouped config view and batch patches (unit)", () => {
  it("groups every top-level section; leaves are items with their type and default; secrets are masked", () => {
    const groups = groupedConfig(withWebhook);
    expect(groups.map((group) => group.name)).toEqual(["quota", "auth", "wallet", "storage", "alerts", "metrics", "features"]);
    const items = groups.flatMap((group) => group.items);
    expect(items.find((item) => item.key === "metrics.recording")).toMatchObject({ value: true, type: "boolean", description: "Default: true" });
    expect(items.find((item) => item.key === "quota.webhook.secret")).toMatchObject({ value: MASKED_VALUE, sensitive: true });
    expect(items.find((item) => item.key === "quota.webhook.url")).toMatchObject({ value: "https://hooks.example.com/q", sensitive: false });
    expect(items.find((item) => item.key === "features.reader.v2")).toMatchObject({ value: true, description: "No default (added by an operator)" });
    expect(groupedConfig(DEFAULT_RUNTIME_CONFIG).find((group) => group.name === "quota")?.items.find((item) => item.key === "quota.webhook")).toMatchObject({ value: null, type: "object" });
  });

  it("a batch becomes one merge patch; a record entry keeps the dots of its name; a masked secret sent back is left alone", () => {
    const planned = batchPatch(withWebhook, [
      { key: "quota.thresholds.warningPercent", value: 25 },
      { key: "features.reader.v3", value: false },
      { key: "quota.webhook.secret", value: MASKED_VALUE },
      { key: "quota.webhook.url", value: "https://hooks.example.com/new" },
    ]);
    expect(planned).toEqual({
      ok: true,
      patch: { quota: { thresholds: { warningPercent: 25 }, webhook: { url: "https://hooks.example.com/new" } }, features: { "reader.v3": false } },
      keys: ["quota.thresholds.warningPercent", "features.reader.v3", "quota.webhook.url"],
    });
  });
});
