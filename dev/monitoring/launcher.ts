/**
 * The monitoring part of a local stack: Alertmanager (delivering to the API's
 * admin alert inbox), Prometheus (scraping the exporter, alerting to that
 * Alertmanager) and Grafana when it is installed. Each part is optional: a
 * missing binary or a busy port is one line in `notes` and the rest still starts.
 */
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { ROOT } from "../paths.ts";
import type { OutputSink } from "../process.ts";
import { DASHBOARDS_DIR, type FastIntervals } from "./config.ts";
import { grafanaCommand, startAlertmanager, startGrafana, startPrometheus, type MonitoringProcess } from "./processes.ts";

export interface MonitoringOptions {
  prometheusPort: number;
  alertmanagerPort: number;
  grafanaPort: number;
  /** Shorter scrape, evaluation, grouping and `for:` intervals (tests); the repo's otherwise. */
  fast?: FastIntervals;
}

export interface MonitoringStack {
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  grafanaUrl?: string;
  /** One line per part that did not start, saying why and what to do. */
  notes: string[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** What the monitoring parts need to know about the rest of the stack. */
export interface MonitoringTargets {
  stateDir: string;
  apiUrl: string;
  exporterUrl: string;
  metricsToken: string;
  alertWebhookToken: string;
  output: (name: string) => OutputSink;
  progress: (line: string) => void;
  /** Told about each part as soon as it runs, so a caller aborting mid-start can stop it. */
  onStarted?: (part: { stop(): Promise<void>; kill(): Promise<void> }) => void;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Starts what it can; never throws for a missing or failing part. */
export async function startMonitoring(options: MonitoringOptions, targets: MonitoringTargets): Promise<MonitoringStack> {
  const started: MonitoringProcess[] = [];
  const notes: string[] = [];
  const attempt = async (name: string, port: number, variable: string, start: () => Promise<MonitoringProcess>): Promise<string | undefined> => {
    if (!(await portFree(port))) {
      notes.push(`${name} not started: port ${port} on 127.0.0.1 is in use; stop what uses it or set ${variable}`);
      return undefined;
    }
    targets.progress(`starting ${name} on 127.0.0.1:${port}`);
    try {
      const part = await start();
      started.push(part);
      targets.onStarted?.(part);
      return part.url;
    } catch (error) {
      notes.push(`${name} not started: ${message(error)}`);
      return undefined;
    }
  };

  const alertmanagerUrl = await attempt("alertmanager", options.alertmanagerPort, "QINGYU_ALERTMANAGER_PORT", () =>
    startAlertmanager({ port: options.alertmanagerPort, dir: join(targets.stateDir, "alertmanager"), apiUrl: targets.apiUrl, webhookToken: targets.alertWebhookToken, fast: options.fast, output: targets.output("alertmanager") }),
  );
  const prometheusUrl = await attempt("prometheus", options.prometheusPort, "QINGYU_PROMETHEUS_PORT", () =>
    startPrometheus({ port: options.prometheusPort, dir: join(targets.stateDir, "prometheus"), exporterUrl: targets.exporterUrl, metricsToken: targets.metricsToken, alertmanagerUrl, fast: options.fast, output: targets.output("prometheus") }),
  );
  let grafanaUrl: string | undefined;
  if (!grafanaCommand()) {
    notes.push(`grafana not started: grafana-server is not on PATH (Grafana is not packaged in Debian); to use an existing Grafana, add a Prometheus data source at ${prometheusUrl ?? "your Prometheus"} and import ${relative(ROOT, DASHBOARDS_DIR)}/*.json (Dashboards → New → Import)`);
  } else if (prometheusUrl) {
    grafanaUrl = await attempt("grafana", options.grafanaPort, "QINGYU_GRAFANA_PORT", () =>
      startGrafana({ port: options.grafanaPort, dir: join(targets.stateDir, "grafana"), prometheusUrl, output: targets.output("grafana") }),
    );
  } else {
    notes.push("grafana not started: it needs the Prometheus above");
  }

  return {
    prometheusUrl,
    alertmanagerUrl,
    grafanaUrl,
    notes,
    async stop() {
      for (const part of started.splice(0).reverse()) await part.stop().catch(() => {});
    },
    async kill() {
      await Promise.all(started.splice(0).map((part) => part.kill().catch(() => {})));
    },
  };
}
