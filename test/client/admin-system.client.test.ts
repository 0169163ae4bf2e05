/**
 * The web client's admin system-config page (src/modules/admin/api/system-config.api.ts,
 * which calls axios directly and reads `response.data.data…` itself; the Go
 * handlers are api/v1/admin/config_api.go) and its system module
 * (src/modules/system/api/health.ts, through http.service.ts).
 * system-config.api.ts sends no Authorization header of its own; an admin
 * page behind our admin guard needs the token, so these tests send it as
 * http.service.ts would.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { registerAdmin } from "../support/admin.ts";
import type { TokenPair } from "../support/users.ts";
import { registerThroughClient } from "./accounts.ts";
import { asArray, asObject, httpService, send, type JsonObject } from "./qingyu-http.ts";

let admin: TokenPair;
beforeAll(async () => {
  admin = await registerAdmin();
});

/** axios.get(url) as system-config.api.ts makes it: the raw body, read as `response.data.data`. */
const raw = async (method: "GET" | "PUT" | "POST", path: string, data?: unknown) => {
  const exchange = await send(method, path, { token: admin.token, data });
  if (exchange.status !== 200) throw new Error(`${method} ${path}: HTTP ${exchange.status} ${JSON.stringify(exchange.body)}`);
  return asObject(exchange.body.data ?? null);
};

describe("admin config — src/modules/admin/api/system-config.api.ts", () => {
  it("getAllConfigs → response.data.data.groups: ConfigGroup[] {name, description, items: ConfigItem[] {key, value, type, description, editable, sensitive}}", async () => {
    const groups = asArray((await raw("GET", "/api/v1/admin/config")).groups ?? null).map(asObject);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group).toMatchObject({ name: expect.any(String), description: expect.any(String) });
      for (const item of asArray(group.items ?? null).map(asObject)) {
        expect(item).toMatchObject({ key: expect.stringMatching(new RegExp(`^${String(group.name)}\\.`)), description: expect.any(String), editable: true, sensitive: expect.any(Boolean) });
        expect(["string", "number", "boolean", "object"]).toContain(item.type);
      }
    }
  });

  it("batchUpdateConfig {updates: [{key, value}]} → 200, one new version; getConfigBackups → response.data.data.backups: string[]; restoreConfigBackup() (no body) → back to the version before", async () => {
    const flag = `client_${crypto.randomUUID().slice(0, 8)}`;
    const before = await raw("GET", "/api/v1/admin/config");
    const saved = await raw("PUT", "/api/v1/admin/config/batch", { updates: [{ key: `features.${flag}`, value: true }] });
    expect(Number(saved.version)).toBeGreaterThan(Number(before.version));
    expect(asObject(asObject(saved.document ?? null).features ?? null)[flag]).toBe(true);

    const backups = asArray((await raw("GET", "/api/v1/admin/config/backups")).backups ?? null);
    expect(backups.every((entry) => typeof entry === "string")).toBe(true);
    expect(backups).toContain(String(Number(saved.version) - 1));

    const restored = await raw("POST", "/api/v1/admin/config/restore");
    const features: JsonObject = asObject(asObject(restored.document ?? null).features ?? null);
    expect(features[flag]).toBeUndefined();
  });
});

describe("system — src/modules/system/api/health.ts", () => {
  it("getSystemHealth → SystemHealth {status, timestamp, services: ServiceHealth[] {service, status, latencyMs, lastCheck}}", async () => {
    const health = asObject(await httpService("GET", "/system/health"));
    expect(health).toMatchObject({ status: expect.stringMatching(/^(healthy|degraded)$/), timestamp: expect.any(String) });
    const services = asArray(health.services ?? null).map(asObject);
    expect(services.map((service) => service.service)).toContain("redis");
    for (const service of services) expect(service).toMatchObject({ service: expect.any(String), status: expect.any(String), latencyMs: expect.any(Number), lastCheck: expect.any(String) });
  });

  it("getServiceHealth(service) → ServiceHealth {service, status, latencyMs, lastCheck}", async () => {
    expect(asObject(await httpService("GET", "/system/health/redis"))).toMatchObject({ service: "redis", status: "healthy", latencyMs: expect.any(Number), lastCheck: expect.any(String) });
  });

  it("getAllMetrics → Record<service, ServiceMetrics[] {service, metrics, timestamp}>; getServiceMetrics(service) → ServiceMetrics[] (after real traffic reaches the shards)", async () => {
    const reader = await registerThroughClient();
    for (let index = 0; index < 5; index++) await httpService("GET", "/user/profile", { token: reader.token });
    // Isolates flush to the shards every METRICS_FLUSH_INTERVAL_MS (5 s): poll up to 20 s for this traffic.
    let user: JsonObject | undefined;
    for (let attempt = 0; attempt < 40 && !user; attempt++) {
      const all = asObject(await httpService("GET", "/system/metrics", { token: admin.token }));
      const entries = all.user === undefined ? [] : asArray(all.user).map(asObject);
      if (entries.length > 0 && Number(asObject(entries[0]?.metrics ?? null).requests) >= 5) user = entries[0];
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(user).toMatchObject({ service: "user", timestamp: expect.any(String) });
    const metrics = asObject(user?.metrics ?? null);
    expect(metrics).toMatchObject({ requestRate: expect.any(Number), errorRate: expect.any(Number), p50Ms: expect.any(Number), p99Ms: expect.any(Number), windowSeconds: expect.any(Number) });
    const one = asArray(await httpService("GET", "/system/metrics/user", { token: admin.token })).map(asObject);
    expect(one[0]).toMatchObject({ service: "user", metrics: expect.objectContaining({ requests: expect.any(Number) }) });
  });
});
