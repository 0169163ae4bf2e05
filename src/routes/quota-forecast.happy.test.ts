import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";

type Quota = { forecastExhaustedAt: string | null; resetAt: string | null };

describe("AI quota exhaustion forecast (routes)", () => {
  it("X-Quota-Forecast-Exhausted-At matches the body's forecast, is absent while nothing is spent, and is exposed through CORS", async () => {
    const { pair } = await registerUser();
    const idle = await api("/api/v1/ai/quota", { token: pair.token });
    expect((await envelope<Quota>(idle, 200)).data.forecastExhaustedAt).toBeNull();
    expect(idle.headers.get("X-Quota-Forecast-Exhausted-At")).toBeNull();

    // 9,000 of a reader's 10,000 at once: at the default one-hour half-life the rest lasts about 10 minutes.
    const spent = await api(`/api/v1/internal/quota/${pair.user_id}/consume`, {
      json: { amount: 9_000, service: "text_generation", requestId: crypto.randomUUID() },
      headers: { Authorization: `Bearer ${env.AI_SERVICE_TOKEN}`, Origin: "https://app.qingyu.example" },
    });
    const { data } = await envelope<{ quota: Quota }>(spent, 200);
    const forecast = data.quota.forecastExhaustedAt;
    expect(spent.headers.get("X-Quota-Forecast-Exhausted-At")).toBe(forecast);
    expect(spent.headers.get("Access-Control-Expose-Headers")).toContain("X-Quota-Forecast-Exhausted-At");
    // Only within ~10 minutes of the reset would the quota last (null); otherwise the forecast is ~10 minutes out.
    if (Date.parse(data.quota.resetAt ?? "") - Date.now() > 15 * 60_000) {
      expect(Date.parse(forecast ?? "") - Date.now()).toBeGreaterThan(5 * 60_000);
      expect(Date.parse(forecast ?? "") - Date.now()).toBeLessThan(15 * 60_000);
    }
  });
});
