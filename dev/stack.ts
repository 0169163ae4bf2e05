/**
 * The whole local stack on loopback, as one programmatic launcher used by
 * `npm run dev`, the end-to-end tests and the benchmarks:
 * redis-server → Upstash REST bridge → local D1 migrations → API Worker
 * (`wrangler dev`) → exporter Worker (`wrangler dev`), then wait for readiness.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, access, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { vendorSwaggerUi } from "../scripts/vendor-swagger-ui.ts";
import { readEnvFile } from "./env-file.ts";
import { ROOT } from "./paths.ts";
import { waitFor } from "./net.ts";
import { startProcess, runToCompletion, type ManagedProcess, type OutputSink } from "./process.ts";
import { startMonitoring, type MonitoringOptions, type MonitoringStack } from "./monitoring/launcher.ts";
import { findRedisServer, startRedis, type RedisProcess } from "./redis.ts";
import { startMailCatcher } from "./mail-catcher.ts";
import { startUpstashBridge } from "./upstash-bridge.ts";
import { startBridgeProcess } from "./bridge-process.ts";

export { ROOT };
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** Ports and places of one stack; every field has a default for `npm run dev`. */
export interface StackOptions {
  apiPort: number;
  exporterPort: number;
  redisPort: number;
  bridgePort: number;
  /** The local mail catcher's port (dev/mail-catcher.ts); 0 or unset picks a free one. */
  mailPort?: number;
  /** Persisted state: Redis AOF, D1, Durable Objects, logs. */
  stateDir: string;
  /** Worker output: the terminal (dev) or files under stateDir/logs (tests, bench). */
  workerOutput: "terminal" | "files";
  /** Extra vars for the API Worker (override .dev.vars). */
  apiVars?: Record<string, string>;
  /** Base env files of the two Workers; tests pass the .example files so a developer's own .dev.vars cannot change results. */
  devVarsFiles?: { api: string; exporter: string };
  /** Secrets; taken from the dev vars files when not given. */
  redisToken?: string;
  metricsToken?: string;
  /** Progress lines ("starting redis-server on 127.0.0.1:6379"). */
  progress?: (line: string) => void;
  readyTimeoutMs?: number;
  /**
   * Run the Upstash bridge as its own process instead of inside the caller's.
   * Benchmarks want this: a load generator and the bridge must not share one
   * Node thread.
   */
  bridgeAsProcess?: boolean;
  /**
   * wrangler's own log level. Benchmarks use "warn": wrangler's line per
   * request costs about a quarter of a no-op's throughput on 2 cores (603 →
   * 796 req/s measured). It also hides the Workers' info-level console lines.
   */
  wranglerLogLevel?: "debug" | "info" | "log" | "warn" | "error";
  /**
   * wrangler dev's local trace collector (X_LOCAL_OBSERVABILITY; on unless
   * false). It writes every request's trace to a SQLite store in the Worker's
   * process, which production does not have: about 0.4–0.8 ms per no-op and
   * 0.75–1.4 ms per consume, growing with the store. Benchmarks turn it off.
   */
  localObservability?: boolean;
  /**
   * Which API Worker runs: "production" (wrangler.toml; the default, and what `npm run dev` starts) or
   * "testing" (wrangler.testing.toml: the same Worker plus the bench and fault routes and object hooks; docs/testing.md).
   */
  apiWorker?: "production" | "testing";
  /** Aborting stops whatever has started so far and rejects startStack. */
  signal?: AbortSignal;
  /** The API Worker's DevTools inspector port on 127.0.0.1 (the bench's CPU profiles); wrangler picks one when unset. */
  apiInspectorPort?: number;
  /** Prometheus, Alertmanager and Grafana (where installed) beside the Workers; none when unset. */
  monitoring?: MonitoringOptions;
}

/** A running stack. */
export interface Stack {
  apiUrl: string;
  exporterUrl: string;
  bridgeUrl: string;
  /** The local mail catcher: every email the API sends, readable at this URL. */
  mailUrl: string;
  redisToken: string;
  metricsToken: string;
  redis: RedisProcess;
  /** Present when options.monitoring was set; its notes say which parts did not start. */
  monitoring?: MonitoringStack;
  options: StackOptions;
  /** Graceful: SIGTERM to each part in reverse start order, SIGKILL after a grace period. */
  stop(): Promise<void>;
  /**
   * A crash: SIGKILL to every part at the same moment (both wrangler process
   * groups with their workerd children, the bridge process, redis-server),
   * with no shutdown of any kind. The fault tests restart on the same state
   * folder afterwards. A bridge running inside the caller's process
   * (`bridgeAsProcess` off) cannot be killed without the caller, so it is
   * closed instead; it holds no state of its own.
   */
  kill(): Promise<void>;
}

/** Defaults for `npm run dev`, overridable by QINGYU_* environment variables (QINGYU_MONITORING=0 leaves Prometheus and Alertmanager out). */
export function devStackOptions(env: NodeJS.ProcessEnv = process.env): StackOptions {
  const port = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) throw new Error(`${name} must be a port number (1-65535)`);
    return parsed;
  };
  return {
    apiPort: port("QINGYU_API_PORT", 8787),
    exporterPort: port("QINGYU_EXPORTER_PORT", 8788),
    redisPort: port("QINGYU_REDIS_PORT", 6379),
    bridgePort: port("QINGYU_BRIDGE_PORT", 8079),
    mailPort: port("QINGYU_MAIL_PORT", 8025),
    stateDir: env.QINGYU_STATE_DIR ?? join(ROOT, ".state"),
    workerOutput: "terminal",
    monitoring: ["0", "false", "off", "no"].includes((env.QINGYU_MONITORING ?? "").toLowerCase())
      ? undefined
      : { prometheusPort: port("QINGYU_PROMETHEUS_PORT", 9090), alertmanagerPort: port("QINGYU_ALERTMANAGER_PORT", 9093), grafanaPort: port("QINGYU_GRAFANA_PORT", 3000) },
  };
}

async function assertPortFree(port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", () => reject(new Error(`port ${port} on 127.0.0.1 is in use; stop what uses it or set ${variable}`)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Copies `<file>.example` to `<file>` the first time, so a fresh clone runs without setup. */
async function ensureFromExample(file: string, progress: (line: string) => void): Promise<void> {
  try {
    await access(file);
  } catch {
    await copyFile(`${file}.example`, file);
    progress(`created ${file.slice(ROOT.length + 1)} from its .example`);
  }
}

/** `wrangler dev` for one Worker of a stack (the bench's reference Worker uses it too, so both run with the same flags). */
export function wranglerDev(name: string, options: Pick<StackOptions, "stateDir" | "wranglerLogLevel" | "localObservability">, args: string[], output: OutputSink): ManagedProcess {
  return startProcess(name, process.execPath, [WRANGLER, "dev", "--ip", "127.0.0.1", "--persist-to", join(options.stateDir, "wrangler"), "--show-interactive-dev-session=false", ...(options.wranglerLogLevel ? ["--log-level", options.wranglerLogLevel] : []), ...args], {
    cwd: ROOT,
    // A private dev registry per stack: the exporter finds this stack's API Worker, not another one's.
    env: {
      ...process.env,
      WRANGLER_REGISTRY_PATH: join(options.stateDir, "registry"),
      WRANGLER_SEND_METRICS: "false",
      ...(options.localObservability === false ? { X_LOCAL_OBSERVABILITY: "false" } : {}),
    },
    output,
  });
}

/** Starts everything and resolves once `/health/ready` answers 200. On failure or abort, stops what it started. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const progress = options.progress ?? (() => {});
  const started: Array<{ stop(): Promise<void>; kill?(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const item of started.reverse()) await item.stop().catch(() => {});
    started.length = 0;
  };
  const killAll = async () => {
    const parts = started.splice(0);
    // Every part is killed even when one fails; the first failure is then reported (a part still running holds its port).
    const results = await Promise.allSettled(parts.map((item) => (item.kill ?? item.stop)()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) throw failure.reason;
  };
  const { signal } = options;
  const checkAborted = () => {
    if (signal?.aborted) throw new Error("stack start aborted");
  };
  // Long waits end at once on abort instead of running out their timeouts.
  const aborted = new Promise<never>((_, reject) => signal?.addEventListener("abort", () => reject(new Error("stack start aborted")), { once: true }));
  aborted.catch(() => {});
  const untilAborted = <T>(promise: Promise<T>) => Promise.race([promise, aborted]);
  try {
    checkAborted();
    findRedisServer();
    await Promise.all([
      assertPortFree(options.apiPort, "QINGYU_API_PORT"),
      assertPortFree(options.exporterPort, "QINGYU_EXPORTER_PORT"),
      assertPortFree(options.redisPort, "QINGYU_REDIS_PORT"),
      assertPortFree(options.bridgePort, "QINGYU_BRIDGE_PORT"),
    ]);
    await ensureFromExample(join(ROOT, ".dev.vars"), progress);
    await ensureFromExample(join(ROOT, "monitoring", ".dev.vars"), progress);
    await vendorSwaggerUi(ROOT);
    const logsDir = join(options.stateDir, "logs");
    await mkdir(logsDir, { recursive: true });
    const varsFiles = options.devVarsFiles ?? { api: join(ROOT, ".dev.vars"), exporter: join(ROOT, "monitoring", ".dev.vars") };
    const devVars = await readEnvFile(varsFiles.api);
    const monitoringVars = await readEnvFile(varsFiles.exporter);
    const redisToken = options.redisToken ?? devVars.UPSTASH_REDIS_REST_TOKEN ?? randomBytes(24).toString("hex");
    const metricsToken = options.metricsToken ?? monitoringVars.METRICS_TOKEN ?? randomBytes(24).toString("hex");

    progress(`starting redis-server on 127.0.0.1:${options.redisPort}`);
    const redis = await startRedis({ port: options.redisPort, dir: join(options.stateDir, "redis") });
    started.push(redis);
    checkAborted();

    const sink = (name: string): OutputSink => (options.workerOutput === "terminal" ? "inherit" : { file: join(logsDir, `${name}.log`) });
    progress(`starting the Upstash REST bridge on 127.0.0.1:${options.bridgePort}`);
    const bridge: { url: string; stop(): Promise<void>; kill?(): Promise<void> } = options.bridgeAsProcess
      ? await startBridgeProcess(options.bridgePort, redisToken, redis.url, sink("bridge"))
      : await startUpstashBridge({ port: options.bridgePort, token: redisToken, redisUrl: redis.url });
    started.push(bridge);
    checkAborted();

    // Emails go to the local mail catcher over the `http` transport; its messages persist under stateDir/mail.
    const mailKey = devVars.EMAIL_API_KEY ?? randomBytes(16).toString("hex");
    const mail = await startMailCatcher({ port: options.mailPort ?? 0, key: mailKey, file: join(options.stateDir, "mail", "messages.jsonl") });
    started.push(mail);
    progress(`mail catcher on ${mail.url}`);
    checkAborted();

    progress("applying local D1 migrations");
    await runToCompletion("d1 migrations", process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", join(options.stateDir, "wrangler")], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    });
    checkAborted();

    // Stack-specific values go in env files that override .dev.vars (later files win).
    const apiEnvFile = join(options.stateDir, "api.env");
    const apiVars = {
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: redisToken,
      EMAIL_TRANSPORT: "http",
      EMAIL_API_URL: mail.sendUrl,
      EMAIL_API_KEY: mailKey,
      ...options.apiVars,
    };
    await writeFile(apiEnvFile, Object.entries(apiVars).map(([key, value]) => `${key}=${value}`).join("\n") + "\n", { mode: 0o600 });
    const exporterEnvFile = join(options.stateDir, "exporter.env");
    await writeFile(exporterEnvFile, `METRICS_TOKEN=${metricsToken}\n`, { mode: 0o600 });

    progress(`starting the ${options.apiWorker ?? "production"} API Worker on 127.0.0.1:${options.apiPort}`);
    const inspector = options.apiInspectorPort === undefined ? [] : ["--inspector-port", String(options.apiInspectorPort)];
    const apiConfig = options.apiWorker === "testing" ? ["-c", join(ROOT, "wrangler.testing.toml")] : [];
    started.push(wranglerDev("api", options, [...apiConfig, "--port", String(options.apiPort), "--env-file", varsFiles.api, "--env-file", apiEnvFile, ...inspector], sink("api")));
    const apiUrl = `http://127.0.0.1:${options.apiPort}`;
    const exporterUrl = `http://127.0.0.1:${options.exporterPort}`;
    const timeoutMs = options.readyTimeoutMs ?? 90_000;
    progress("waiting for /health/ready");
    await untilAborted(waitFor(async () => (await fetch(`${apiUrl}/health/ready`)).status === 200, { timeoutMs, intervalMs: 250, what: `${apiUrl}/health/ready to answer 200` }));
    // Started only once the API is up: two wrangler processes starting at once raced for an internal port.
    progress(`starting the exporter Worker on 127.0.0.1:${options.exporterPort}`);
    started.push(
      wranglerDev("exporter", options, ["-c", join(ROOT, "monitoring", "wrangler.toml"), "--port", String(options.exporterPort), "--env-file", varsFiles.exporter, "--env-file", exporterEnvFile], sink("exporter")),
    );

    await untilAborted(waitFor(async () => (await fetch(`${exporterUrl}/health`)).ok, { timeoutMs, intervalMs: 250, what: `${exporterUrl}/health` }));
    checkAborted();

    const monitoring = options.monitoring
      ? await untilAborted(
          startMonitoring(options.monitoring, {
            stateDir: options.stateDir,
            apiUrl,
            exporterUrl,
            metricsToken,
            alertWebhookToken: options.apiVars?.ALERT_WEBHOOK_TOKEN ?? devVars.ALERT_WEBHOOK_TOKEN ?? "",
            output: sink,
            progress,
            // A part that comes up after an abort is stopped at once rather than left running.
            onStarted: (part) => (signal?.aborted ? void part.stop() : void started.push(part)),
          }),
        )
      : undefined;
    checkAborted();

    return { apiUrl, exporterUrl, bridgeUrl: bridge.url, mailUrl: mail.url, redisToken, metricsToken, redis, monitoring, options, stop: stopAll, kill: killAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
