import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const api = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://api.test${path}`, init));

describe("health (happy)", () => {
  it("/health/live answers without touching dependencies", async () => {
    const response = await api("/health/live");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "alive" });
  });

  it("/health/ready reports Redis, D1 and every Durable Object namespace healthy", async () => {
    const response = await api("/health/ready");
    const report = await response.json<{ status: string; checks: Array<{ name: string; status: string; latency_ms: number }> }>();
    expect(response.status, JSON.stringify(report)).toBe(200);
    expect(report.checks.map((check) => check.name)).toEqual(["redis", "d1", "r2", "messaging", "quota_counter", "wallet", "config_store", "metrics_shard"]);
    for (const check of report.checks) {
      expect(check.status, check.name).not.toBe("unhealthy");
      expect(check.latency_ms).toBeGreaterThanOrEqual(0);
    }
  });
});
