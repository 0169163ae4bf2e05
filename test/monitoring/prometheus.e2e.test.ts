/**
 * The whole path, end to end: traffic through the API → isolate batches →
 * MetricsShard objects → exporter → a real Prometheus scraping every second.
 * Then every Grafana panel expression and every metric an alert rule uses must
 * return at least one series, so no panel is empty and no rule watches a
 * metric that does not exist. The traffic (route-traffic.ts) exercises every
 * family, so the verdict does not depend on which other tests ran first.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { ROOT } from "../../dev/stack.ts";
import { registerAdmin } from "../support/admin.ts";
import { startPrometheus, type PrometheusProcess } from "./prometheus-process.ts";
import { everyRouteFamily, openQuotaStream, quotaWebhookReceiver } from "./route-traffic.ts";

let prometheus: PrometheusProcess | undefined;
let webhooks: Awaited<ReturnType<typeof quotaWebhookReceiver>> | undefined;
beforeAll(async () => {
  prometheus = await startPrometheus(inject("exporterUrl"), inject("metricsToken"));
  webhooks = await quotaWebhookReceiver(await registerAdmin());
}, 60_000);
afterAll(async () => {
  await webhooks?.stop();
  await prometheus?.stop();
});

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

/** Panel expressions and rule metrics without series. */
async function emptyExpressions(running: PrometheusProcess): Promise<string[]> {
  const empty: string[] = [];
  for (const { where, expr } of await panelExpressions()) {
    if ((await running.query(expr)).series === 0) empty.push(`${where}: ${expr}`);
  }
  for (const metric of await ruleMetrics()) {
    if ((await running.query(`count({__name__="${metric}"})`)).series === 0) empty.push(`alert rule metric ${metric}`);
  }
  return empty;
}

/** Values a recording must have produced, beyond "a series exists": each query must return at least one series. */
const RECORDED_VALUES = [
  // Every dependency's calls, from the clients themselves.
  'sum by (dependency) (qingyu_dependency_calls_total{dependency="redis"}) > 0',
  'sum by (dependency) (qingyu_dependency_calls_total{dependency="d1"}) > 0',
  'sum by (dependency) (qingyu_dependency_calls_total{dependency="durable_object"}) > 0',
  "max(qingyu_auth_active_sessions) >= 1",
  // The users this run created were counted by their QuotaCounters, and one of them reached critical.
  "sum(qingyu_quota_users) >= 1",
  'sum(qingyu_quota_users{level="critical"}) >= 1',
  // The stream this test holds open.
  "sum(qingyu_quota_websocket_clients) >= 1",
  'sum(qingyu_wallet_transactions_total{type="transfer_in",result="success"}) > 0',
  'sum(qingyu_wallet_amount_fen_total{type="quota_purchase"}) > 0',
  'sum(qingyu_wallet_recharge_callbacks_total{result="duplicate"}) > 0',
  // The receiver refuses the first delivery: one failure (retried later) and real deliveries.
  'sum(qingyu_quota_webhook_deliveries_total{result="failed"}) > 0',
  'sum(qingyu_quota_webhook_deliveries_total{result="delivered"}) > 0',
];

describe("Prometheus scraping the exporter of the real stack (happy)", () => {
  it("every dashboard panel and every metric an alert rule uses has series, and this run's traffic recorded every family", async () => {
    const running = prometheus as PrometheusProcess;
    const stream = await openQuotaStream();
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
    let missing: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await waitFor(async () => (await running.query("count(min_over_time(qingyu_exporter_shard_up[3s]) == 1) == 4")).series === 1, {
        timeoutMs: 30_000,
        intervalMs: 500,
        what: "three seconds of scrapes with every shard up",
      });
      empty = await emptyExpressions(running);
      missing = [];
      for (const expr of RECORDED_VALUES) if ((await running.query(expr)).series === 0) missing.push(expr);
      if (empty.length === 0 && missing.length === 0) break;
    }
    await stream.close();
    expect(webhooks?.received(), "webhook deliveries the receiver saw").toBeGreaterThan(1);
    const exporterState = JSON.stringify((await running.query("qingyu_exporter_series or qingyu_exporter_shard_up")).body);
    expect(empty, `panels or rule metrics without series (exporter: ${exporterState})`).toEqual([]);
    expect(missing, "recorded values this run's traffic must have produced").toEqual([]);
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
    const { METRICS } = await import("../../contract/metrics/definitions.ts");
    const known = (metric: string) =>
      Object.keys(METRICS).some((family) => metric === family || ["_bucket", "_sum", "_count"].some((suffix) => metric === family + suffix));
    const unknown = [...(await panelExpressions()).flatMap(({ expr }) => metricsIn(expr)), ...(await ruleMetrics()).filter((metric) => metric !== "up")].filter(
      (metric) => !known(metric),
    );
    expect([...new Set(unknown)]).toEqual([]);
  });
});
