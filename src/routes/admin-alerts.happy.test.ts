import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { alertmanagerPayload } from "../alerts/fixtures";
import { api, envelope, registerAdmin } from "../../test/workerd/api";

const token = () => env.ALERT_WEBHOOK_TOKEN;

type Stored = { fingerprint: string; alertname: string; severity: string; status: string; endsAt: string | null; annotations: Record<string, string> };

describe("admin alert inbox (happy)", () => {
  it("stores what Alertmanager posts and lists it to admins; a resolve updates the same alert", async () => {
    const fingerprint = crypto.randomUUID().replace(/-/g, "").slice(0, 16);
    const posted = await envelope<{ stored: number }>(await api("/api/v1/admin/alerts/webhook", { json: alertmanagerPayload(fingerprint, "firing"), token: token() }), 200);
    expect(posted.data.stored).toBe(1);

    const admin = await registerAdmin();
    const firing = await envelope<Stored[]>(await api("/api/v1/admin/alerts?status=firing&page=1&page_size=100", { token: admin.pair.token }), 200);
    expect(firing.data.find((alert) => alert.fingerprint === fingerprint)).toMatchObject({ alertname: "QingyuHigh5xxRatio", severity: "critical", status: "firing", endsAt: null, annotations: { summary: "More than 5% of API responses are 5xx" } });

    await envelope(await api("/api/v1/admin/alerts/webhook", { json: alertmanagerPayload(fingerprint, "resolved"), token: token() }), 200);
    const all = await envelope<Stored[]>(await api("/api/v1/admin/alerts?page_size=100", { token: admin.pair.token }), 200);
    const mine = all.data.filter((alert) => alert.fingerprint === fingerprint);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "resolved", endsAt: "2026-11-27T09:10:00.000Z" });
    const stillFiring = await envelope<Stored[]>(await api("/api/v1/admin/alerts?status=firing&page_size=100", { token: admin.pair.token }), 200);
    expect(stillFiring.data.some((alert) => alert.fingerprint === fingerprint)).toBe(false);
  });

  it("the OpenAPI document names the webhook's own token scheme, not the user JWT", async () => {
    type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, unknown> };
    const document = (await (await api("/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    const webhook = document.paths["/api/v1/admin/alerts/webhook"]?.post;
    expect(webhook?.security).toEqual([{ alertWebhookToken: [] }]);
    expect(Object.keys(webhook?.responses ?? {})).not.toContain("403");
    expect(document.components.securitySchemes.alertWebhookToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.paths["/api/v1/admin/alerts"]?.get?.security).toEqual([{ bearerAuth: [] }]);
  });
});
