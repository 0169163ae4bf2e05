/**
 * The real Alertmanager (Debian's prometheus-alertmanager) with the repo's
 * alertmanager.yml, pointed at the e2e stack's API: alerts posted to it arrive
 * in the admin alert inbox, and a critical alert inhibits the warning of the
 * same alertname.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readEnvFile } from "../../dev/env-file.ts";
import { startAlertmanager, type MonitoringProcess } from "../../dev/monitoring/processes.ts";
import { getFreePort, waitFor } from "../../dev/net.ts";
import { ROOT } from "../../dev/stack.ts";
import { registerAdmin } from "../support/admin.ts";
import { call, type Envelope } from "../support/http.ts";

let alertmanager: MonitoringProcess | undefined;
let dir = "";
let alertmanagerUrl = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qingyu-alertmanager-"));
  // The stack runs with .dev.vars.example, so the API expects its ALERT_WEBHOOK_TOKEN.
  const token = (await readEnvFile(join(ROOT, ".dev.vars.example"))).ALERT_WEBHOOK_TOKEN ?? "";
  // The config npm run dev generates from alertmanager.yml, delivering within a second instead of batching for 10–30 s.
  alertmanager = await startAlertmanager({ port: await getFreePort(), dir, apiUrl: inject("apiUrl"), webhookToken: token, fast: { interval: "1s", grouping: "1s" }, output: { file: join(dir, "alertmanager.log") } });
  alertmanagerUrl = alertmanager.url;
}, 60_000);

afterAll(async () => {
  await alertmanager?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Stored = { alertname: string; severity: string; status: string; labels: Record<string, string> };

describe("Alertmanager delivering to the admin alert inbox (happy)", () => {
  it("routes alerts to POST /api/v1/admin/alerts/webhook, and critical inhibits the same alert's warning", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const alert = (alertname: string, severity: string) => ({
      labels: { alertname, severity, service: "qingyu-edge", run },
      annotations: { summary: `${alertname} (${severity}) from the e2e test` },
      startsAt: new Date().toISOString(),
    });
    const posted = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([alert("QingyuHigh5xxRatio", "critical"), alert("QingyuHigh5xxRatio", "warning"), alert("QingyuHighP99Latency", "warning")]),
    });
    expect(posted.status).toBe(200);

    const admin = await registerAdmin();
    let mine: Stored[] = [];
    await waitFor(
      async () => {
        const response = await call("/api/v1/admin/alerts?status=firing&page_size=100", { headers: { Authorization: `Bearer ${admin.token}` } });
        const body = (await response.json()) as Envelope<Stored[]>;
        mine = body.data.filter((stored) => stored.labels.run === run);
        return mine.length >= 2;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: "alerts in the admin inbox" },
    );
    // Give a wrongly uninhibited warning time to arrive too before judging.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const response = await call("/api/v1/admin/alerts?status=firing&page_size=100", { headers: { Authorization: `Bearer ${admin.token}` } });
    mine = ((await response.json()) as Envelope<Stored[]>).data.filter((stored) => stored.labels.run === run);
    expect(mine.map((stored) => `${stored.alertname}/${stored.severity}`).sort()).toEqual(["QingyuHigh5xxRatio/critical", "QingyuHighP99Latency/warning"]);
  }, 90_000);
});
