/**
 * The monitoring stack as `npm run dev` starts it (dev/monitoring/), on a stack
 * of its own with short intervals (1 s scrapes, evaluation and grouping, every
 * rule's `for:` at 5 s):
 * - the first scrape of a stack that has served nothing but its readiness probe
 *   shows every family of the README's metric table, and promtool accepts it;
 * - stopping redis-server fires QingyuDependencyUnhealthy{dependency="redis"}
 *   in Prometheus, it reaches Alertmanager, then the admin alert inbox; bringing
 *   Redis back resolves it there;
 * - headless Chromium shows Prometheus's graph page with the dashboard's
 *   dependency-health query, Prometheus's alerts page, and Alertmanager with the
 *   firing alert (its UI where installed; Debian's package has none, so there its
 *   API's alert groups); screenshots go to .state/test-results/screenshots/.
 * The inbox lives in Redis, so it cannot store an alert while Redis is down:
 * Alertmanager keeps retrying and the firing alert lands once Redis is back.
 * No health probe runs in between, so the gauge stays "unhealthy" until then.
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort, waitFor } from "../../dev/net.ts";
import { ROOT, startStack, type Stack } from "../../dev/stack.ts";
import { registerAdmin } from "../support/admin.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { runTool, scrape } from "./exposition.ts";
import { queryPrometheus } from "./prometheus-process.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = join(ROOT, ".state", "test-results", "screenshots");
/** The "Dependency health" panel of monitoring/grafana/dashboards/infrastructure.json. */
const DASHBOARD_QUERY = 'max by (dependency) (qingyu_dependency_health_status{status!="healthy"})';

let stack: Stack;
let prometheusUrl = "";
let alertmanagerUrl = "";
let browser: Browser | undefined;

beforeAll(async () => {
  const options = await randomStackOptions("qingyu-e2e-dev-monitoring-");
  options.readyTimeoutMs = 150_000; // the machine is shared; a loaded one has taken over 90 s to start the API
  options.monitoring = {
    prometheusPort: await getFreePort(),
    alertmanagerPort: await getFreePort(),
    grafanaPort: await getFreePort(),
    fast: { interval: "1s", grouping: "1s", ruleFor: "5s" },
  };
  stack = await startStack(options);
  prometheusUrl = stack.monitoring?.prometheusUrl ?? "";
  alertmanagerUrl = stack.monitoring?.alertmanagerUrl ?? "";
  if (!prometheusUrl || !alertmanagerUrl) throw new Error(`monitoring did not start: ${stack.monitoring?.notes.join("; ")}`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stack) await rm(stack.options.stateDir, { recursive: true, force: true });
});

/** Family names from the README's metric table. */
async function documentedFamilies(): Promise<string[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/^\| `(qingyu_[a-z0-9_]+)` \| /gm)].map((match) => match[1] as string);
}

type PrometheusAlert = { labels: Record<string, string>; state: string };
async function prometheusAlert(): Promise<PrometheusAlert | undefined> {
  const body = (await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as { data: { alerts: PrometheusAlert[] } };
  return body.data.alerts.find((alert) => alert.labels.alertname === "QingyuDependencyUnhealthy" && alert.labels.dependency === "redis");
}

type StoredAlert = { alertname: string; status: string; labels: Record<string, string> };
async function inboxAlert(adminToken: string): Promise<StoredAlert | undefined> {
  const response = await fetch(`${stack.apiUrl}/api/v1/admin/alerts?page_size=100`, { headers: { Authorization: `Bearer ${adminToken}` } });
  if (!response.ok) return undefined;
  const body = (await response.json()) as { data: StoredAlert[] };
  return body.data.find((alert) => alert.alertname === "QingyuDependencyUnhealthy" && alert.labels.dependency === "redis");
}

async function screenshot(url: string, file: string, expectText: string[], clickLink?: string): Promise<string> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: sudo apt-get install -y chromium (or set CHROMIUM_PATH)`);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(url, { waitUntil: "networkidle" });
    if (clickLink) await page.getByRole("link", { name: clickLink, exact: true }).first().click();
    // Rendered text anywhere on the page (a locator's first match can be a collapsed, hidden copy).
    try {
      for (const text of expectText) await waitFor(async () => (await page.locator("body").innerText()).includes(text), { timeoutMs: 15_000, intervalMs: 250, what: `"${text}" on ${url}` });
    } finally {
      // Saved either way, so a failure can be looked at.
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
    }
    return await page.locator("body").innerText();
  } finally {
    await page.close();
  }
}

describe("monitoring started like npm run dev (happy)", () => {
  it("the first scrape shows every documented family with HELP and TYPE, and promtool check metrics is clean", async () => {
    const { status, body } = await scrape(stack.exporterUrl, stack.metricsToken);
    expect(status).toBe(200);
    const families = await documentedFamilies();
    expect(families.length).toBeGreaterThan(30);
    const missing = families.filter((name) => !new RegExp(`^# HELP ${name} `, "m").test(body) || !new RegExp(`^# TYPE ${name} `, "m").test(body));
    expect(missing).toEqual([]);
    expect(body).toMatch(/^qingyu_quota_websocket_clients 0$/m);
    const lint = await runTool("promtool", ["check", "metrics"], body);
    expect(lint.output.trim()).toBe("");
    expect(lint.code).toBe(0);
  });

  it("Redis stops: the alert fires in Prometheus, reaches Alertmanager and the admin inbox; Redis returns: resolved", async () => {
    const admin = await registerAdmin(stack.options.stateDir, stack.apiUrl);
    await waitFor(async () => (await queryPrometheus(prometheusUrl, 'up{job="qingyu-exporter"} == 1')).series === 1, { timeoutMs: 20_000, intervalMs: 500, what: "Prometheus scraping the exporter" });
    expect(await prometheusAlert()).toBeUndefined();

    await stack.redis.stop();
    let redisStopped = true;
    // A load balancer's readiness probe, every 2 s while Redis is down, as one probes in production: it runs the health
    // checks, which set the health gauge, so the gauge stays current however long the page checks take.
    const probe = () => fetch(`${stack.apiUrl}/health/ready`).then((response) => response.arrayBuffer(), () => undefined);
    let prober: ReturnType<typeof setInterval> | undefined = setInterval(() => void probe(), 2_000);
    const stopProbing = () => {
      clearInterval(prober);
      prober = undefined;
    };
    try {
      await waitFor(async () => (await fetch(`${stack.apiUrl}/health/ready`)).status === 503, { timeoutMs: 10_000, intervalMs: 250, what: "/health/ready to see Redis down" });
      await waitFor(async () => (await prometheusAlert())?.state === "firing", { timeoutMs: 30_000, intervalMs: 500, what: "the alert firing in Prometheus" });
      await waitFor(
        async () => {
          const alerts = (await (await fetch(`${alertmanagerUrl}/api/v2/alerts?filter=alertname%3D%22QingyuDependencyUnhealthy%22`)).json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
          return alerts.some((alert) => alert.labels.dependency === "redis" && alert.status.state === "active");
        },
        { timeoutMs: 20_000, intervalMs: 500, what: "the alert active in Alertmanager" },
      );

      const graph = await screenshot(`${prometheusUrl}/graph?g0.expr=${encodeURIComponent(DASHBOARD_QUERY)}&g0.tab=1&g0.range_input=5m`, "prometheus-graph.png", ['dependency="redis"']);
      expect(graph).toContain('dependency="redis"');
      const rules = await screenshot(`${prometheusUrl}/graph`, "prometheus-alerts.png", ["QingyuDependencyUnhealthy"], "Alerts"); // this build answers /alerts itself with 404
      expect(rules).toMatch(/QingyuDependencyUnhealthy \(1 active\)/);
      // Debian's prometheus-alertmanager ships without its web UI (its / says so); then the page is its API's view of the alert.
      const hasUi = (await fetch(`${alertmanagerUrl}/script.js`)).ok;
      // Alertmanager lists an alert in its groups a moment after it is active (its dispatcher groups it), and the page is
      // read once: wait for the groups to hold it first.
      await waitFor(
        async () => {
          const groups = (await (await fetch(`${alertmanagerUrl}/api/v2/alerts/groups?active=true`)).json()) as Array<{ alerts: Array<{ labels: Record<string, string> }> }>;
          return groups.some((group) => group.alerts.some((alert) => alert.labels.alertname === "QingyuDependencyUnhealthy" && alert.labels.dependency === "redis"));
        },
        { timeoutMs: 20_000, intervalMs: 500, what: "the alert in Alertmanager's groups" },
      );
      const alertmanagerPage = hasUi
        ? await screenshot(`${alertmanagerUrl}/#/alerts`, "alertmanager-alerts.png", ["QingyuDependencyUnhealthy"])
        : await screenshot(`${alertmanagerUrl}/api/v2/alerts/groups?active=true`, "alertmanager-alerts.png", ["QingyuDependencyUnhealthy"]);
      expect(alertmanagerPage).toContain("QingyuDependencyUnhealthy");
      expect(alertmanagerPage).toContain("redis");

      // The inbox is kept in Redis: nothing can be stored while it is down.
      expect(await inboxAlert(admin.token)).toBeUndefined();
      stopProbing();
      await stack.redis.start();
      redisStopped = false;
      // No health probe yet: the gauge still says unhealthy, so Alertmanager's retry delivers the firing alert.
      await waitFor(async () => (await inboxAlert(admin.token))?.status === "firing", { timeoutMs: 30_000, intervalMs: 500, what: "the firing alert in the admin inbox" });
    } finally {
      if (prober !== undefined) stopProbing();
      if (redisStopped) await stack.redis.start();
    }

    // Probing again sees Redis healthy; the resolution travels the same way.
    await waitFor(
      async () => {
        await fetch(`${stack.apiUrl}/health/ready`);
        return (await inboxAlert(admin.token))?.status === "resolved";
      },
      { timeoutMs: 40_000, intervalMs: 500, what: "the resolved alert in the admin inbox" },
    );
    expect((await prometheusAlert())?.state ?? "inactive").not.toBe("firing");
  }, 150_000);
});
