/** A real `prometheus` (Debian package) for the monitoring e2e test: temp dir, free loopback port, 1 s scrapes of the exporter. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor, getFreePort } from "../../dev/net.ts";
import { ROOT } from "../../dev/stack.ts";

/** A running Prometheus. */
export interface PrometheusProcess {
  url: string;
  /** Instant query; resolves with the result vector (or matrix) length and the raw JSON. */
  query(expr: string): Promise<{ series: number; body: unknown }>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with the repo's prometheus.yml rewritten for the test:
 * the exporter at `exporterUrl`, the token in a temp file, a 1 s scrape
 * interval, and the repo's rule files (so rules are evaluated too).
 */
export async function startPrometheus(exporterUrl: string, token: string): Promise<PrometheusProcess> {
  const dir = await mkdtemp(join(tmpdir(), "qingyu-prometheus-"));
  const port = await getFreePort();
  await writeFile(join(dir, "metrics-token"), token, { mode: 0o600 });
  const target = new URL(exporterUrl).host;
  const config = (await readFile(join(ROOT, "monitoring", "prometheus", "prometheus.yml"), "utf8"))
    .replace(/scrape_interval: \S+/, "scrape_interval: 1s")
    .replace(/scrape_timeout: \S+/, "scrape_timeout: 1s")
    .replace(/evaluation_interval: \S+/, "evaluation_interval: 1s")
    .replace(/- rules\/\*\.yml/, `- ${join(ROOT, "monitoring", "prometheus", "rules")}/*.yml`)
    .replace(/credentials_file: \S+/, `credentials_file: ${join(dir, "metrics-token")}`)
    .replace(/targets: \["127\.0\.0\.1:8788"\]/, `targets: ["${target}"]`)
    .replace(/alerting:\n(?:\s+.*\n)+?(?=\S)/, "");
  if (!config.includes(target) || !config.includes("scrape_interval: 1s")) throw new Error("prometheus.yml no longer has the layout this test rewrites");
  await writeFile(join(dir, "prometheus.yml"), config);

  const child: ChildProcess = spawn(
    "prometheus",
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 30_000, intervalMs: 200, what: "prometheus /-/ready" });
  } catch (error) {
    await stop();
    throw new Error(`prometheus did not start: ${String(error)}\n${log}`);
  }
  return {
    url,
    stop,
    async query(expr: string) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
      if (body.status !== "success") throw new Error(`query failed: ${expr}: ${body.error}`);
      return { series: body.data?.result.length ?? 0, body };
    },
  };
}
