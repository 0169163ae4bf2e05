/** A real `prometheus` (Debian package) for the monitoring e2e test: temp dir, free loopback port, 1 s scrapes of the exporter, the repo's rules. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPrometheus as startPrometheusProcess } from "../../dev/monitoring/processes.ts";
import { getFreePort } from "../../dev/net.ts";

/** A running Prometheus. */
export interface PrometheusProcess {
  url: string;
  /** Instant query; resolves with the result vector (or matrix) length and the raw JSON. */
  query(expr: string): Promise<{ series: number; body: unknown }>;
  stop(): Promise<void>;
}

/** Instant query against `url`; rejects when Prometheus answers with an error. */
export async function queryPrometheus(url: string, expr: string): Promise<{ series: number; body: unknown }> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== "success") throw new Error(`query failed: ${expr}: ${body.error}`);
  return { series: body.data?.result.length ?? 0, body };
}

/**
 * Starts Prometheus with the config `npm run dev` generates from the repo's
 * prometheus.yml (dev/monitoring/config.ts): the exporter at `exporterUrl`, the
 * token in a temp file, a 1 s scrape and evaluation interval, the repo's rule
 * files, and no Alertmanager.
 */
export async function startPrometheus(exporterUrl: string, token: string): Promise<PrometheusProcess> {
  const dir = await mkdtemp(join(tmpdir(), "qingyu-prometheus-"));
  try {
    const prometheus = await startPrometheusProcess({ port: await getFreePort(), dir, exporterUrl, metricsToken: token, fast: { interval: "1s", grouping: "1s" }, output: { file: join(dir, "prometheus.log") } });
    return {
      url: prometheus.url,
      query: (expr) => queryPrometheus(prometheus.url, expr),
      async stop() {
        await prometheus.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
