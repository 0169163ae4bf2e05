/**
 * One Prometheus, Alertmanager or Grafana process of a local stack, with its
 * generated config and data under one folder. Used by the dev launcher and by
 * the monitoring tests, so both run the same binaries with the same flags.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { waitFor } from "../net.ts";
import { startProcess, type ManagedProcess, type OutputSink } from "../process.ts";
import { findOnPath, missingLine, SYSTEM_TOOLS, type SystemTool } from "../tools.ts";
import { alertmanagerConfig, fastRuleFiles, grafanaProvisioning, prometheusConfig, type FastIntervals } from "./config.ts";

/** A started monitoring process. */
export interface MonitoringProcess {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

function tool(command: string): SystemTool {
  return SYSTEM_TOOLS.find((entry) => entry.commands.includes(command)) as SystemTool;
}

/** The binary's path, or an Error whose message is the one line with the install command. */
export function locate(command: "prometheus" | "prometheus-alertmanager"): string {
  const entry = tool(command);
  const found = findOnPath(entry.commands);
  if (!found) throw new Error(missingLine(entry));
  return found;
}

/** Writes `files` (relative path → text) under `dir`; secrets get mode 0600. */
async function writeFiles(dir: string, files: Record<string, string>, secret: string[] = []): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text, secret.includes(name) ? { mode: 0o600 } : {});
  }
}

async function ready(child: ManagedProcess, url: string, what: string): Promise<MonitoringProcess> {
  try {
    // An early exit (bad flag, busy port) ends the wait at once instead of after the timeout.
    const exitedEarly = child.exited.then((code) => Promise.reject(new Error(`${child.name} exited (${code}) before ${what}`)));
    exitedEarly.catch(() => {}); // the normal stop later must not be an unhandled rejection
    await Promise.race([waitFor(async () => (await fetch(url)).ok, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 200, what }), exitedEarly]);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url: new URL(url).origin, process: child, stop: () => child.stop(), kill: () => child.kill() };
}

export interface PrometheusOptions {
  port: number;
  /** Config, token and TSDB live here. */
  dir: string;
  exporterUrl: string;
  metricsToken: string;
  alertmanagerUrl?: string;
  fast?: FastIntervals;
  output: OutputSink;
}

/** Prometheus scraping the exporter with the repo's rules (shortened `for:` when `fast`). */
export async function startPrometheus(options: PrometheusOptions): Promise<MonitoringProcess> {
  const binary = locate("prometheus");
  const files: Record<string, string> = { "metrics-token": options.metricsToken };
  let ruleFiles: string[] | undefined;
  if (options.fast?.ruleFor) {
    for (const [name, text] of await fastRuleFiles(options.fast.ruleFor)) files[join("rules", name)] = text;
    ruleFiles = [join(options.dir, "rules", "*.yml")];
  }
  files["prometheus.yml"] = await prometheusConfig({
    exporterTarget: new URL(options.exporterUrl).host,
    tokenFile: join(options.dir, "metrics-token"),
    alertmanagerTarget: options.alertmanagerUrl ? new URL(options.alertmanagerUrl).host : undefined,
    ruleFiles,
    fast: options.fast,
  });
  await writeFiles(options.dir, files, ["metrics-token"]);
  const child = startProcess("prometheus", binary, [`--config.file=${join(options.dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(options.dir, "data")}`, `--web.listen-address=127.0.0.1:${options.port}`, "--log.level=warn"], {
    cwd: options.dir,
    output: options.output,
  });
  return ready(child, `http://127.0.0.1:${options.port}/-/ready`, "prometheus /-/ready");
}

export interface AlertmanagerOptions {
  port: number;
  dir: string;
  apiUrl: string;
  /** The API's ALERT_WEBHOOK_TOKEN. */
  webhookToken: string;
  fast?: FastIntervals;
  output: OutputSink;
}

/** Alertmanager with the repo's routes, delivering to this stack's admin alert inbox. */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<MonitoringProcess> {
  const binary = locate("prometheus-alertmanager");
  await writeFiles(
    options.dir,
    {
      "alert-webhook-token": options.webhookToken,
      "alertmanager.yml": await alertmanagerConfig({ apiUrl: options.apiUrl, tokenFile: join(options.dir, "alert-webhook-token"), fast: options.fast }),
    },
    ["alert-webhook-token"],
  );
  const child = startProcess(
    "alertmanager",
    binary,
    // No cluster: one local instance, and no gossip port to collide with another stack's.
    [`--config.file=${join(options.dir, "alertmanager.yml")}`, `--storage.path=${join(options.dir, "data")}`, `--web.listen-address=127.0.0.1:${options.port}`, "--cluster.listen-address=", "--log.level=warn"],
    { cwd: options.dir, output: options.output },
  );
  return ready(child, `http://127.0.0.1:${options.port}/-/ready`, "alertmanager /-/ready");
}

/** `grafana-server`, or the newer single `grafana` binary with its `server` subcommand; undefined when neither is on PATH. */
export function grafanaCommand(): { binary: string; args: string[] } | undefined {
  const server = findOnPath(["grafana-server"]);
  if (server) return { binary: server, args: [] };
  const grafana = findOnPath(["grafana"]);
  return grafana ? { binary: grafana, args: ["server"] } : undefined;
}

/** Grafana with the Prometheus data source and the dashboards provisioned; anonymous viewers allowed (loopback only). */
export async function startGrafana(options: { port: number; dir: string; prometheusUrl: string; output: OutputSink }): Promise<MonitoringProcess> {
  const command = grafanaCommand();
  if (!command) throw new Error("grafana-server not found on PATH");
  const provisioning: Record<string, string> = {};
  for (const [name, text] of await grafanaProvisioning(options.prometheusUrl)) provisioning[join("provisioning", name)] = text;
  await writeFiles(options.dir, provisioning);
  const homepath = ["/usr/share/grafana"].filter((path) => findOnPath(["grafana-server", "grafana"], join(path, "bin")));
  const child = startProcess("grafana", command.binary, [...command.args, ...homepath.map((path) => `--homepath=${path}`)], {
    cwd: options.dir,
    env: {
      ...process.env,
      GF_SERVER_HTTP_ADDR: "127.0.0.1",
      GF_SERVER_HTTP_PORT: String(options.port),
      GF_PATHS_DATA: join(options.dir, "data"),
      GF_PATHS_LOGS: join(options.dir, "logs"),
      GF_PATHS_PLUGINS: join(options.dir, "plugins"),
      GF_PATHS_PROVISIONING: join(options.dir, "provisioning"),
      GF_AUTH_ANONYMOUS_ENABLED: "true",
      GF_ANALYTICS_REPORTING_ENABLED: "false",
      GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    },
    output: options.output,
  });
  return ready(child, `http://127.0.0.1:${options.port}/api/health`, "grafana /api/health");
}
