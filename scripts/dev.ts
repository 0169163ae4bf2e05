/**
 * `npm run dev`: the whole local stack on loopback, with URLs printed when it is
 * ready, Prometheus and Alertmanager (and Grafana where installed) included
 * unless `--no-monitoring` or QINGYU_MONITORING=0. Ctrl-C stops every process it started.
 */
import { devStackOptions, startStack, type Stack } from "../dev/stack.ts";
import { checkSystemTools } from "./setup.ts";

const started = Date.now();
const progress = (line: string) => console.log(`[dev] ${line}`);

let stack: Stack | undefined;
let stopping = false;
const starting = new AbortController();

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  progress(`${signal}: stopping the stack...`);
  // Still starting: the abort makes startStack stop what it has started, and the catch below exits.
  if (!stack) return starting.abort();
  await stack.stop();
  progress("stopped");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGHUP", () => void shutdown("SIGHUP"));

const options = devStackOptions();
if (process.argv.includes("--no-monitoring")) delete options.monitoring;
// Installs what is missing when it can; stops with the one command to run when it cannot.
if (!(await checkSystemTools("dev", { progress }))) process.exit(1);

try {
  stack = await startStack({ ...options, progress, signal: starting.signal });
} catch (error) {
  if (starting.signal.aborted) {
    progress("stopped before it was ready");
    process.exit(130);
  }
  console.error(`[dev] could not start the stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const { monitoring } = stack;
const monitoringLines = !monitoring
  ? ["  Monitoring     off (--no-monitoring or QINGYU_MONITORING=0)"]
  : [
      ...(monitoring.prometheusUrl ? [`  Prometheus     ${monitoring.prometheusUrl}/graph   (the repo's rules loaded: see the Alerts tab; Status → Targets for the exporter scrape)`] : []),
      ...(monitoring.alertmanagerUrl ? [`  Alertmanager   ${monitoring.alertmanagerUrl}   (delivers to ${stack.apiUrl}/api/v1/admin/alerts)`] : []),
      ...(monitoring.grafanaUrl ? [`  Grafana        ${monitoring.grafanaUrl}   (folder "Qingyu Edge"; sign in admin/admin to edit)`] : []),
      ...monitoring.notes.map((note) => `  ! ${note}`),
    ];
console.log(`
Qingyu Edge local stack is ready (${seconds} s). State: ${stack.options.stateDir}
  API            ${stack.apiUrl}
  Swagger UI     ${stack.apiUrl}/docs
  OpenAPI        ${stack.apiUrl}/openapi.json
  Health         ${stack.apiUrl}/health/ready
  Metrics        ${stack.exporterUrl}/metrics   (Authorization: Bearer <METRICS_TOKEN from monitoring/.dev.vars>)
  Mail catcher   ${stack.mailUrl}   (every email the API sent, e.g. registration codes; JSON at /messages)
  Upstash REST   ${stack.bridgeUrl}   (token: UPSTASH_REDIS_REST_TOKEN from .dev.vars)
  Redis          ${stack.redis.url}
${monitoringLines.join("\n")}
Press Ctrl-C to stop.
`);
