import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";

type Snapshot = { document: unknown };

const CONFIG = "/api/v1/admin/config";
/** The config store is one global object shared with other test files: each step reads the version it starts from. */
const current = async (token: string) => (await envelope<Snapshot>(await api(CONFIG, { token }), 200)).data;
const flag = () => `client_${crypto.randomUUID().slice(0, 8)}`;

describe("admin config batch that cannot apply (error)", () => {
  it("an unknown key or an invalid value → 400 naming it, and no new version", async () => {
    const admin = await registerAdmin();
    const before = await current(admin.pair.token);
    const unknown = await envelope<{ details: Record<string, string> }>(
      await api(`${CONFIG}/batch`, { method: "PUT", token: admin.pair.token, json: { updates: [{ key: `features.${flag()}`, value: true }, { key: "quota.nope", value: 1 }] } }),
      400,
    );
    expect(unknown.data.details).toEqual({ "updates.1.key": 'no setting "quota.nope"' });
    const invalid = await envelope<{ details: Record<string, string> }>(
      await api(`${CONFIG}/batch`, { method: "PUT", token: admin.pair.token, json: { updates: [{ key: "quota.thresholds.warningPercent", value: 500 }] } }),
      400,
    );
    expect(Object.keys(invalid.data.details)).toEqual(["quota.thresholds.warningPercent"]);
    const after = await current(admin.pair.token);
    expect(after.document).toEqual(before.document);
    expect((await envelope(await api(`${CONFIG}/restore`, { method: "POST", token: admin.pair.token, json: { version: 999_999 } }), 404)).code).toBe(1004);
    const { pair } = await registerUser();
    expect((await api(`${CONFIG}/backups`, { token: pair.token })).status).toBe(403);
  });
});
