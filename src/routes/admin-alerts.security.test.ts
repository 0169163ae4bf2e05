import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { alertmanagerPayload } from "../alerts/fixtures";

describe("admin alert inbox (security)", () => {
  it("the webhook refuses a missing, wrong or user token, and stores nothing", async () => {
    const user = await registerUser();
    for (const token of [undefined, `${env.ALERT_WEBHOOK_TOKEN}x`, user.pair.token]) {
      const response = await api("/api/v1/admin/alerts/webhook", { json: alertmanagerPayload("abc123", "firing"), token });
      expect(response.status, String(token)).toBe(401);
      expect((await envelope(response)).code).not.toBe(0);
    }
  });

  it("listing needs an admin: no token → 401, a reader → 403, the webhook token → 401", async () => {
    const user = await registerUser();
    expect((await api("/api/v1/admin/alerts")).status).toBe(401);
    expect((await api("/api/v1/admin/alerts", { token: user.pair.token })).status).toBe(403);
    expect((await api("/api/v1/admin/alerts", { token: env.ALERT_WEBHOOK_TOKEN })).status).toBe(401);
  });

  it("a malformed payload is a 400 naming the field", async () => {
    const body = alertmanagerPayload("not-hex!", "firing");
    const response = await api("/api/v1/admin/alerts/webhook", { json: body, token: env.ALERT_WEBHOOK_TOKEN });
    expect(response.status).toBe(400);
    const details = (await envelope<{ details: Record<string, string> }>(response)).data.details;
    expect(Object.keys(details)).toContain("json.alerts.0.fingerprint");
  });
});
