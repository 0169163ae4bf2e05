/**
 * The exporter Worker: `GET /metrics` (bearer METRICS_TOKEN) reads every
 * MetricsShard of the API Worker in parallel, merges them and answers in the
 * Prometheus text format 0.0.4, or OpenMetrics when the scraper asks for it.
 * `GET /health` answers without touching the shards.
 */
import { CONTENT_TYPES, negotiateFormat, render } from "../../contract/metrics/render";
import { scrapeShards } from "../../contract/metrics/scrape";
import { shardName, type MetricsShardApi } from "../../contract/metrics/wire";
import { bearerMatches } from "./bearer";

interface ExporterConfig {
  shards: number;
  timeoutMs: number;
  lastGaugeTtlMs: number;
}

/** Reads the exporter's vars; returns the names of bad ones instead of guessing. */
function readConfig(env: Env): ExporterConfig | { invalid: string[] } {
  const integer = (value: string | undefined, fallback: number, min: number, max: number) => {
    if (value === undefined || value === "") return fallback;
    return /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? Number(value) : NaN;
  };
  const config = {
    shards: integer(env.METRICS_SHARDS, 4, 1, 64),
    timeoutMs: integer(env.METRICS_SHARD_TIMEOUT_MS, 2000, 10, 25_000),
    lastGaugeTtlMs: integer(env.METRICS_GAUGE_TTL_SECONDS, 900, 1, 86_400) * 1000,
  };
  const names: Record<keyof ExporterConfig, string> = { shards: "METRICS_SHARDS", timeoutMs: "METRICS_SHARD_TIMEOUT_MS", lastGaugeTtlMs: "METRICS_GAUGE_TTL_SECONDS" };
  const invalid = (Object.keys(config) as Array<keyof ExporterConfig>).filter((key) => Number.isNaN(config[key])).map((key) => names[key]);
  return invalid.length > 0 ? { invalid } : config;
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return Response.json({ status: "alive", version: env.APP_VERSION });
    if (url.pathname !== "/metrics") return Response.json({ error: "not found" }, { status: 404 });
    if (request.method !== "GET" && request.method !== "HEAD") return Response.json({ error: "method not allowed" }, { status: 405, headers: { Allow: "GET, HEAD" } });
    if (!env.METRICS_TOKEN || !bearerMatches(request.headers.get("Authorization") ?? "", env.METRICS_TOKEN)) {
      return Response.json({ error: "unauthorized" }, { status: 401, headers: { "WWW-Authenticate": "Bearer" } });
    }
    const config = readConfig(env);
    if ("invalid" in config) {
      console.error(JSON.stringify({ level: "error", msg: "invalid exporter configuration", variables: config.invalid }));
      return Response.json({ error: `invalid configuration: ${config.invalid.join(", ")}` }, { status: 500 });
    }
    // The binding points at another Worker's class, so wrangler types cannot know its RPC methods.
    const namespace = env.METRICS_SHARD as unknown as DurableObjectNamespace<MetricsShardApi & Rpc.DurableObjectBranded>;
    const families = await scrapeShards({
      ...config,
      version: env.APP_VERSION,
      read: (index) => namespace.getByName(shardName(index)).snapshot(),
      onShardError: (index, reason, error) =>
        console.error(JSON.stringify({ level: "error", msg: "metrics shard read failed", shard: index, reason, error: error instanceof Error ? error.message : undefined })),
    });
    const format = negotiateFormat(request.headers.get("Accept"));
    return new Response(render(families, format), { headers: { "Content-Type": CONTENT_TYPES[format], "Cache-Control": "no-store" } });
  },
} satisfies ExportedHandler<Env>;
