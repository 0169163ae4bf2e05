/**
 * The whole path, end to end: traffic through the API → isolate batches →
 * MetricsShard objects → exporter → a real Prometheus scraping every second.
 * Then every Grafana panel expression and every metric an alert rule uses must
 * return at least one series, so no panel is empty and no rule watches a
 * metric that does not exist.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { ROOT } from "../../dev/stack.ts";
import { call, type Envelope } from "../support/http.ts";
import { login, registerUser } from "../support/users.ts";
import { startPrometheus, type PrometheusProcess } from "./prometheus-process.ts";
import { NOT_YET_RECORDED } from "./not-yet-recorded.ts";

let prometheus: PrometheusProcess | undefined;
beforeAll(async () => {
  prometheus = await startPrometheus(inject("exporterUrl"), inject("metricsToken"));
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
});

/** Requests through every route family the API has: system, health, auth, profile, sessions, quota (with a reservation and level crossings), wallet, admin, errors. */
async function everyRouteFamily(): Promise<void> {
  const { username, password, pair } = await registerUser();
  const bearer = { Authorization: `Bearer ${pair.token}` };
  await login(username, password);
  const userId = pair.user.id;
  const requests: Array<Promise<Response>> = [
    call("/api/v1/system/ping"),
    call("/api/v1/system/health"),
    call("/api/v1/system/health/redis"),
    call("/health/ready"),
    call("/health/live"),
    call("/api/v1/user/profile", { headers: bearer }),
    call("/api/v1/shared/auth/sessions", { headers: bearer }),
    call("/api/v1/shared/auth/refresh", { method: "POST", json: { refresh_token: pair.refreshToken } }),
    call("/api/v1/shared/auth/login", { method: "POST", json: { username, password: "wrong-password1" } }),
    call("/api/v1/ai/quota", { headers: bearer }),
    call("/api/v1/ai/quota/statistics", { headers: bearer }),
    call(`/api/v1/internal/quota/${userId}/consume`, {
      method: "POST",
      headers: { Authorization: "Bearer dev-only-ai-service-token-not-for-production-01" },
      json: { amount: 10, service: "text_generation", requestId: crypto.randomUUID() },
    }),
    call("/api/v1/finance/wallet/balance", { headers: bearer }),
    call("/api/v1/finance/wallet/recharge", { method: "POST", headers: { ...bearer, "Idempotency-Key": crypto.randomUUID() }, json: { amount: "12.34", method: "alipay" } }),
    call("/api/v1/admin/config", { headers: bearer }),
    call("/api/v1/no/such/route"),
    call("/api/v1/system/ping", { method: "DELETE" }),
    call("/api/v1/shared/auth/register", { method: "POST", body: "z".repeat(200_000), headers: { "content-type": "application/json" } }),
  ];
  await Promise.all((await Promise.all(requests)).map((response) => response.arrayBuffer()));
  await quotaLifecycle(userId, bearer);
  // A second read of the profile is served from the cache (a hit; the first was a miss).
  await (await call("/api/v1/user/profile", { headers: bearer })).arrayBuffer();
  await (await call("/api/v1/shared/auth/logout", { method: "POST", headers: bearer })).arrayBuffer();
}

const SERVICE = { Authorization: "Bearer dev-only-ai-service-token-not-for-production-01" };

/** A reservation committed, then one consume that leaves under 10% of the daily quota: crosses warning and critical. */
async function quotaLifecycle(userId: string, bearer: Record<string, string>): Promise<void> {
  const internal = `/api/v1/internal/quota/${userId}`;
  const reserved = (await (await call(`${internal}/reservations`, { method: "POST", headers: SERVICE, json: { amount: 5, service: "text_generation", requestId: crypto.randomUUID() } })).json()) as Envelope<{ reservation: { id: string } | null }>;
  const reservationId = reserved.data.reservation?.id;
  if (reservationId) await (await call(`${internal}/reservations/${reservationId}/commit`, { method: "POST", headers: SERVICE, json: { actual: 3 } })).arrayBuffer();
  const quota = (await (await call("/api/v1/ai/quota", { headers: bearer })).json()) as Envelope<{ totalQuota: number; remainingQuota: number }>;
  if (!quota.data) throw new Error(`GET /api/v1/ai/quota answered ${JSON.stringify(quota)}`);
  const { totalQuota, remainingQuota } = quota.data;
  if (totalQuota > 0 && remainingQuota > Math.floor(totalQuota * 0.05)) {
    const amount = remainingQuota - Math.floor(totalQuota * 0.05);
    await (await call(`${internal}/consume`, { method: "POST", headers: SERVICE, json: { amount, service: "text_generation", requestId: crypto.randomUUID() } })).arrayBuffer();
  }
}

/** Every panel expression of every dashboard, with where it comes from. */
async function panelExpressions(): Promise<Array<{ where: string; expr: string }>> {
  const dir = join(ROOT, "monitoring", "grafana", "dashboards");
  const found: Array<{ where: string; expr: string }> = [];
  for (const file of (await readdir(dir)).filter((name) => name.endsWith(".json"))) {
    const dashboard = JSON.parse(await readFile(join(dir, file), "utf8")) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    for (const panel of dashboard.panels) for (const target of panel.targets) found.push({ where: `${file} / ${panel.title}`, expr: target.expr });
  }
  return found;
}

/** Every metric name used in an alert rule expression. */
async function ruleMetrics(): Promise<string[]> {
  const dir = join(ROOT, "monitoring", "prometheus", "rules");
  const names = new Set<string>();
  for (const file of await readdir(dir)) {
    for (const match of (await readFile(join(dir, file), "utf8")).matchAll(/^\s*expr:\s*(.+)$/gm)) {
      for (const name of (match[1] as string).matchAll(/\b(qingyu_[a-z0-9_]+|up)\b(?=\s*[{[)]|\s*$|\s*==)/g)) names.add(name[1] as string);
    }
  }
  return [...names];
}

const metricsIn = (expr: string) => [...new Set([...expr.matchAll(/\bqingyu_[a-z0-9_]+/g)].map((match) => match[0]))];
const isPending = (metric: string) => NOT_YET_RECORDED.some((family) => metric === family || metric.startsWith(`${family}_`));

/** Which panel expressions and rule metrics have no series, and which "not recorded yet" ones unexpectedly do. */
async function checkEverything(running: PrometheusProcess): Promise<{ empty: string[]; pendingButPresent: string[] }> {
  const empty: string[] = [];
  const pendingButPresent: string[] = [];
  for (const { where, expr } of await panelExpressions()) {
    const { series } = await running.query(expr);
    const pending = metricsIn(expr).some(isPending);
    if (series === 0 && !pending) empty.push(`${where}: ${expr}`);
    if (series > 0 && pending && !expr.includes("or vector(0)")) pendingButPresent.push(`${where}: ${expr}`);
  }
  for (const metric of await ruleMetrics()) {
    const { series } = await running.query(`count({__name__="${metric}"})`);
    if (series === 0 && !isPending(metric)) empty.push(`alert rule metric ${metric}`);
    if (series > 0 && isPending(metric)) pendingButPresent.push(`alert rule metric ${metric}`);
  }
  return { empty, pendingButPresent };
}

describe("Prometheus scraping the exporter of the real stack (happy)", () => {
  it("every dashboard panel and every metric an alert rule uses has series, except families not recorded yet", async () => {
    const running = prometheus as PrometheusProcess;
    // Scrape interval 1 s, flush interval 5 s: keep traffic flowing until Prometheus holds it, then past one more flush.
    await waitFor(
      async () => {
        await everyRouteFamily();
        const result = await running.query('sum(qingyu_http_requests_total{route="/api/v1/ai/quota"})');
        return result.series > 0;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: "API traffic in Prometheus" },
    );
    await everyRouteFamily();
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect((await running.query('up{job="qingyu-exporter"} == 1')).series).toBe(1);

    // A shard that misses a scrape leaves its series absent for that scrape, by design; `wrangler dev` restarting
    // the API isolate (any source edit) causes exactly that. So check right after scrapes where every shard answered,
    // and give a transient miss two more chances; a family that is really missing fails all three.
    let empty: string[] = [];
    let pendingButPresent: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await waitFor(async () => (await running.query("count(min_over_time(qingyu_exporter_shard_up[3s]) == 1) == 4")).series === 1, {
        timeoutMs: 30_000,
        intervalMs: 500,
        what: "three seconds of scrapes with every shard up",
      });
      ({ empty, pendingButPresent } = await checkEverything(running));
      if (empty.length === 0) break;
    }
    const exporterState = JSON.stringify((await running.query("qingyu_exporter_series or qingyu_exporter_shard_up")).body);
    expect(empty, `panels or rule metrics without series (exporter: ${exporterState})`).toEqual([]);
    // The list of not-yet-recorded families only shrinks: once a family has series, remove it from the list.
    expect(pendingButPresent, "families listed as not recorded yet that now have series").toEqual([]);
  }, 150_000);

  it("Prometheus loads every rule file and evaluates every rule without error", async () => {
    const running = prometheus as PrometheusProcess;
    const response = await fetch(`${running.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: Array<{ file: string; rules: Array<{ name: string; health: string; lastError?: string }> }> } };
    const rules = body.data.groups.flatMap((group) => group.rules);
    const ruleFiles = (await readdir(join(ROOT, "monitoring", "prometheus", "rules"))).filter((file) => file.endsWith(".yml"));
    expect(new Set(body.data.groups.map((group) => group.file.split("/").at(-1))).size).toBe(ruleFiles.length);
    expect(rules.length).toBeGreaterThanOrEqual(11);
    expect(rules.filter((rule) => rule.health !== "ok").map((rule) => `${rule.name}: ${rule.health} ${rule.lastError ?? ""}`)).toEqual([]);
  });

  it("metric names in every panel and rule exist in the registry (no typos)", async () => {
    const { METRICS } = await import("../../src/metrics/definitions.ts");
    const known = (metric: string) => Object.keys(METRICS).some((family) => metric === family || ["_bucket", "_sum", "_count"].some((suffix) => metric === family + suffix));
    const unknown = [...(await panelExpressions()).flatMap(({ expr }) => metricsIn(expr)), ...(await ruleMetrics()).filter((metric) => metric !== "up")].filter((metric) => !known(metric));
    expect([...new Set(unknown)]).toEqual([]);
  });
});
