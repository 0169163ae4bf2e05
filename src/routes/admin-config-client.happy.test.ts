import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin } from "../../test/workerd/api";

type Item = { key: string; value: unknown; type: string; description: string; editable: boolean; sensitive: boolean };
type Snapshot = { version: number; document: { features: Record<string, boolean>; quota: { thresholds: { warningPercent: number } } }; groups: Array<{ name: string; items: Item[] }> };

const CONFIG = "/api/v1/admin/config";
/** The config store is one global object shared with other test files: each step reads the version it starts from. */
const current = async (token: string) => (await envelope<Snapshot>(await api(CONFIG, { token }), 200)).data;
const flag = () => `client_${crypto.randomUUID().slice(0, 8)}`;

describe("admin config as the web client's system-config page uses it (happy)", () => {
  it("GET keeps {version, document} and adds the settings grouped by section, computed from the document", async () => {
    const admin = await registerAdmin();
    const snapshot = await current(admin.pair.token);
    expect(snapshot.groups.map((group) => group.name)).toEqual(["quota", "auth", "wallet", "storage", "alerts", "metrics", "features"]);
    const quota = snapshot.groups.find((group) => group.name === "quota");
    const warning = quota?.items.find((item) => item.key === "quota.thresholds.warningPercent");
    expect(warning).toMatchObject({ value: snapshot.document.quota.thresholds.warningPercent, type: "number", editable: true, sensitive: false });
    expect(warning?.description).toMatch(/^Default: \d+/);
    expect(quota?.items.find((item) => item.key === "quota.packages")).toMatchObject({ type: "object" });
  });

  it("PUT /batch {updates} is one new version with one history entry; /backups lists it; /restore returns to the one before", async () => {
    const admin = await registerAdmin();
    const [on, off] = [flag(), flag()];
    const before = await current(admin.pair.token);
    const saved = await envelope<Snapshot>(
      await api(`${CONFIG}/batch`, { method: "PUT", token: admin.pair.token, json: { updates: [{ key: `features.${on}`, value: true }, { key: `features.${off}`, value: false }] } }),
      200,
    );
    expect(saved.data.version).toBeGreaterThan(before.version);
    expect(saved.data.document.features).toMatchObject({ [on]: true, [off]: false });
    expect(saved.data.groups.find((group) => group.name === "features")?.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: `features.${on}`, value: true, type: "boolean" })]),
    );

    const history = await envelope<Array<{ version: number; note: string; changes: Array<{ path: string }> }>>(await api(`${CONFIG}/history?page_size=20`, { token: admin.pair.token }), 200);
    const entry = history.data.find((row) => row.version === saved.data.version);
    expect(entry?.note).toBe(`batch: features.${on}, features.${off}`);
    expect(entry?.changes.map((change) => change.path).sort()).toEqual([`features.${off}`, `features.${on}`].sort());

    const listed = await envelope<{ current: number; backups: string[]; versions: Array<{ version: number }> }>(await api(`${CONFIG}/backups`, { token: admin.pair.token }), 200);
    expect(listed.data.current).toBeGreaterThanOrEqual(saved.data.version);
    expect(listed.data.backups).toContain(String(saved.data.version - 1));
    expect(listed.data.backups).not.toContain(String(listed.data.current));

    const restored = await envelope<Snapshot>(await api(`${CONFIG}/restore`, { method: "POST", token: admin.pair.token, json: { version: saved.data.version - 1 } }), 200);
    expect(restored.data.document.features[on]).toBeUndefined();
    const again = await envelope<Snapshot>(await api(`${CONFIG}/restore`, { method: "POST", token: admin.pair.token }), 200);
    expect(again.data.document.features[on]).toBe(true);
    expect(again.data.version).toBe(restored.data.version + 1);
  });
});
