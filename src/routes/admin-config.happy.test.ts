import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin } from "../../test/workerd/api";

type Snapshot = {
  version: number;
  document: { quota: { thresholds: { warningPercent: number; criticalPercent: number } }; features: Record<string, boolean> };
  updatedBy: string | null;
};

/** The config store is one global object: each test starts from whatever version is current. */
async function current(token: string): Promise<Snapshot> {
  return (await envelope<Snapshot>(await api("/api/v1/admin/config", { token }), 200)).data;
}

describe("runtime config administration (happy)", () => {
  it("merge-patch saves a new version with history, and rollback restores the old document", async () => {
    const admin = await registerAdmin();
    const before = await current(admin.pair.token);
    const saved = await envelope<Snapshot>(
      await api("/api/v1/admin/config", {
        method: "PUT",
        token: admin.pair.token,
        json: { version: before.version, patch: { quota: { thresholds: { warningPercent: 30 } }, features: { new_reader: true } } },
      }),
      200,
    );
    expect(saved.data.version).toBe(before.version + 1);
    expect(saved.data.document.quota.thresholds).toEqual({ warningPercent: 30, criticalPercent: before.document.quota.thresholds.criticalPercent });
    expect(saved.data.document.features.new_reader).toBe(true);
    expect(saved.data.updatedBy).toBe(admin.pair.user_id);

    const history = await envelope<Array<{ version: number; author: string; changes: Array<{ path: string; before: unknown; after: unknown }> }>>(
      await api("/api/v1/admin/config/history?page=1&page_size=5", { token: admin.pair.token }),
      200,
    );
    expect(history.data[0]?.version).toBe(saved.data.version);
    expect(history.data[0]?.changes).toEqual(
      expect.arrayContaining([{ path: "quota.thresholds.warningPercent", before: before.document.quota.thresholds.warningPercent, after: 30 }]),
    );

    const rolled = await envelope<Snapshot>(
      await api(`/api/v1/admin/config/rollback/${before.version}`, { method: "POST", token: admin.pair.token, json: { expectedVersion: saved.data.version } }),
      200,
    );
    expect(rolled.data.version).toBe(saved.data.version + 1);
    expect(rolled.data.document.quota.thresholds).toEqual(before.document.quota.thresholds);

    const logs = await envelope<Array<{ action: string; adminId: string }>>(
      await api(`/api/v1/admin/operation-logs?admin_id=${admin.pair.user_id}`, { token: admin.pair.token }),
      200,
    );
    expect(logs.data.map((entry) => entry.action)).toEqual(["config.rollback", "config.patch"]);
  });
});

describe("runtime config administration (error)", () => {
  it("a stale version → 409 code 1006 and nothing is saved", async () => {
    const admin = await registerAdmin();
    const before = await current(admin.pair.token);
    await envelope(
      await api("/api/v1/admin/config", { method: "PUT", token: admin.pair.token, json: { version: before.version, patch: { features: { a: true } } } }),
      200,
    );
    const stale = await envelope<{ details: { currentVersion: number } }>(
      await api("/api/v1/admin/config", { method: "PUT", token: admin.pair.token, json: { version: before.version, patch: { features: { b: true } } } }),
      409,
    );
    expect(stale.code).toBe(1006);
    expect(stale.data.details.currentVersion).toBe(before.version + 1);
    expect((await current(admin.pair.token)).document.features.b).toBeUndefined();
  });

  it("an invalid document → 400 code 1001 naming each bad field; nothing is stored", async () => {
    const admin = await registerAdmin();
    const before = await current(admin.pair.token);
    const invalid = await envelope<{ details: Record<string, string> }>(
      await api("/api/v1/admin/config", {
        method: "PUT",
        token: admin.pair.token,
        json: { version: before.version, patch: { quota: { thresholds: { warningPercent: 5, criticalPercent: 50 }, timeZone: "Nowhere/City" } } },
      }),
      400,
    );
    expect(invalid.code).toBe(1001);
    expect(Object.keys(invalid.data.details).sort()).toEqual(["quota.thresholds.criticalPercent", "quota.timeZone"]);
    expect((await current(admin.pair.token)).version).toBe(before.version);
  });

  it("both or neither of document and patch → 400; rollback to an unknown version → 404", async () => {
    const admin = await registerAdmin();
    const { version } = await current(admin.pair.token);
    await envelope(await api("/api/v1/admin/config", { method: "PUT", token: admin.pair.token, json: { version } }), 400);
    await envelope(await api("/api/v1/admin/config", { method: "PUT", token: admin.pair.token, json: { version, document: {}, patch: {} } }), 400);
    await envelope(await api("/api/v1/admin/config/rollback/999999", { method: "POST", token: admin.pair.token, json: { expectedVersion: version } }), 404);
  });
});
