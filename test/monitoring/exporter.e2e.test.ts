import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { call } from "../support/http.ts";
import { monotonicSeries, parseSamples, runTool, scrape } from "./exposition.ts";

const exporterUrl = () => inject("exporterUrl");
const token = () => inject("metricsToken");

/** Requests through several route families, including ones answered before the routes (404, 405, 413). */
async function driveTraffic(rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await Promise.all([
      call("/api/v1/system/ping"),
      call("/health/live"),
      call("/health/ready"),
      call("/api/v1/system/health"),
      call("/api/v1/system/health/redis"),
      call("/api/v1/shared/auth/login", { method: "POST", json: { username: "nobody_here", password: "wrong-password1" } }),
      call("/api/v1/no/such/route"),
      call("/api/v1/system/ping", { method: "PUT", json: {} }),
      call("/api/v1/shared/auth/register", { method: "POST", body: "z".repeat(200_000), headers: { "content-type": "application/json" } }),
    ]).then((responses) => Promise.all(responses.map((response) => response.arrayBuffer())));
  }
}

const allShardsUp = (samples: Map<string, number>) => ["0", "1", "2", "3"].every((shard) => samples.get(`qingyu_exporter_shard_up{shard="${shard}"}`) === 1);

/** A scrape in which every shard answered (a source edit restarting the API under `wrangler dev` can make one scrape miss shards). */
async function completeScrape(accept?: string): Promise<Awaited<ReturnType<typeof scrape>>> {
  let result = await scrape(exporterUrl(), token(), accept);
  await waitFor(
    async () => {
      result = await scrape(exporterUrl(), token(), accept);
      return allShardsUp(parseSamples(result.body));
    },
    { timeoutMs: 15_000, intervalMs: 500, what: "a scrape with every shard up" },
  );
  return result;
}

const value = (samples: Map<string, number>, prefix: string) => [...samples].filter(([series]) => series.startsWith(prefix)).reduce((sum, [, count]) => sum + count, 0);

describe("the exporter on the real stack (security)", () => {
  it("/metrics answers 401 without the bearer token or with a wrong one", async () => {
    expect((await fetch(`${exporterUrl()}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${exporterUrl()}/metrics`, { headers: { Authorization: `Bearer ${token()}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("qingyu_");
  });
});

describe("the exporter on the real stack (happy)", () => {
  it("API traffic reaches /metrics within the flush interval, labelled by route template and status class", async () => {
    // Other test files share this stack, so every expectation is a growth over a baseline scrape.
    const expected = [
      'qingyu_http_requests_total{method="GET",route="/api/v1/system/ping",status="2xx"',
      'qingyu_http_requests_total{method="GET",route="/api/v1/system/health/:service",status="2xx"',
      'qingyu_http_requests_total{method="GET",route="unmatched",status="4xx"',
      'qingyu_http_requests_total{method="PUT",route="unmatched",status="4xx"',
      'qingyu_http_requests_total{method="POST",route="/api/v1/shared/auth/login",status="4xx"',
      // 413s are answered by the body limit before any route runs, and still counted under the route's template
      'qingyu_http_requests_total{method="POST",route="/api/v1/shared/auth/register",status="4xx"',
      'qingyu_http_request_duration_seconds_count{method="GET",route="/health/ready",status="2xx"',
      'qingyu_http_response_size_bytes_count{method="GET",route="/api/v1/system/ping"',
    ];
    const baseline = parseSamples((await completeScrape()).body);
    let samples = new Map<string, number>();
    // The API flushes at most METRICS_FLUSH_INTERVAL_MS (5 s) after a request. Traffic keeps flowing while
    // we wait: `wrangler dev` restarts the API isolate whenever a source file changes, and an isolate
    // that restarts loses what it had not flushed yet (the documented bound), so one burst is not enough.
    await waitFor(
      async () => {
        await driveTraffic(1);
        samples = parseSamples((await scrape(exporterUrl(), token())).body);
        return allShardsUp(samples) && expected.every((series) => value(samples, series) - value(baseline, series) >= 3);
      },
      { timeoutMs: 40_000, intervalMs: 1000, what: "API traffic in /metrics" },
    );
    for (const series of expected) expect(value(samples, series) - value(baseline, series), series).toBeGreaterThanOrEqual(3);
    expect(samples.get('qingyu_dependency_health_status{dependency="redis",status="healthy"}')).toBe(1);
    expect([...samples.keys()].some((series) => series.includes("/api/v1/no/such/route"))).toBe(false);
  });

  it("the text exposition passes `promtool check metrics`", async () => {
    const { status, contentType, body } = await completeScrape();
    expect(status).toBe(200);
    expect(contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(body).toContain("# TYPE qingyu_http_requests_total counter");
    const result = await runTool("promtool", ["check", "metrics"], body);
    expect(result.output.trim()).toBe("");
    expect(result.code).toBe(0);
  });

  it("answers OpenMetrics to Prometheus's Accept header", async () => {
    const prometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    const { contentType, body } = await completeScrape(prometheusAccept);
    expect(contentType).toContain("application/openmetrics-text; version=1.0.0");
    expect(body).toContain("# TYPE qingyu_http_requests counter");
    expect(body.endsWith("# EOF\n")).toBe(true);
  });

  it("counters and histograms never go down between scrapes while traffic flows", async () => {
    const first = monotonicSeries((await completeScrape()).body);
    expect(first.size).toBeGreaterThan(20);
    let previous = first;
    let grew = 0;
    // Scrape every second for a while under traffic: no counter, bucket, sum or count may ever decrease.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await driveTraffic(1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { body } = await scrape(exporterUrl(), token());
      const current = monotonicSeries(body);
      const upShards = [...parseSamples(body)].filter(([series, up]) => series.startsWith("qingyu_exporter_shard_up") && up === 1).length;
      // A shard that missed this scrape has no series in it (by design), which is absence, not a decrease.
      const decreased = [...previous].filter(([series, earlier]) => current.has(series) && (current.get(series) as number) < earlier);
      expect(decreased).toEqual([]);
      if (upShards === 4) {
        grew += [...first].filter(([series, earlier]) => (current.get(series) ?? 0) > earlier).length;
        previous = current;
      }
    }
    expect(grew).toBeGreaterThan(0);
  });
});
