import { describe, expect, it } from "vitest";
import { configStore } from "../../durable-objects/config-store/client";
import { WRITE_ONLY_MASK } from "../runtime-config/secrets";
import { api, envelope, registerAdmin } from "../../test/workerd/api";
import { env } from "cloudflare:workers";

type Snapshot = { version: number; document: { quota: { webhook: { url: string; secret: string } | null } } };

describe("runtime config secrets are write-only (security)", () => {
  it("the webhook secret never appears in GET, saves, history, rollbacks or the operation log; a masked round trip keeps it", async () => {
    const admin = await registerAdmin();
    const as = (path: string, init: { method?: string; json?: unknown } = {}) => api(path, { ...init, token: admin.pair.token });
    const secret = `webhook-secret-${crypto.randomUUID()}`;
    const current = (await envelope<Snapshot>(await as("/api/v1/admin/config"), 200)).data;
    const seen: string[] = [];
    const read = async (response: Response, status = 200) => {
      const text = await response.text();
      seen.push(text);
      expect(response.status, text).toBe(status);
      return JSON.parse(text) as { data: Snapshot };
    };
    const saved = await read(
      await as("/api/v1/admin/config", { method: "PUT", json: { version: current.version, patch: { quota: { webhook: { url: "https://hooks.example/q", secret } } } } }),
    );
    expect(saved.data.document.quota.webhook).toEqual({ url: "https://hooks.example/q", secret: WRITE_ONLY_MASK });
    const got = await read(await as("/api/v1/admin/config"));
    expect(got.data.document.quota.webhook?.secret).toBe(WRITE_ONLY_MASK);

    // Read, edit something else, write the whole document back: the stored secret is kept.
    const edited = structuredClone(got.data.document) as Record<string, unknown> & Snapshot["document"];
    (edited as { features?: Record<string, boolean> }).features = { "secrets.test": true };
    await read(await as("/api/v1/admin/config", { method: "PUT", json: { version: got.data.version, document: edited } }));
    expect((await configStore(env.CONFIG_STORE).get()).document.quota.webhook?.secret).toBe(secret);

    await read(await as("/api/v1/admin/config/history?page_size=100"));
    await read(await as(`/api/v1/admin/config/rollback/${saved.data.version}`, { method: "POST", json: { expectedVersion: got.data.version + 1 } }));
    await read(await as("/api/v1/admin/operation-logs?page_size=100"));
    expect(seen.join("\n")).not.toContain(secret);
    expect(seen.join("\n")).toContain(WRITE_ONLY_MASK);

    const latest = (await configStore(env.CONFIG_STORE).get()).version;
    await envelope(await as("/api/v1/admin/config", { method: "PUT", json: { version: latest, patch: { quota: { webhook: null }, features: { "secrets.test": null } } } }), 200);
  });
});
