/**
 * The exporter scraped while the shards are being written and while one shard
 * is slow. The slowness is real time spent in that shard's `snapshot()`: the
 * test-only route PUT /api/v1/internal/faults/metrics-shards/{shard}/delay
 * makes the MetricsShard object wait before answering (only with
 * ENABLE_BENCH_ROUTES=true), while it keeps applying batches. Runs its own
 * stack (the hook needs the flag; a slow shard would disturb other tests).
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { monotonicSeries, parseSamples, scrape } from "../monitoring/exposition.ts";
import { serviceToken } from "../support/admin.ts";
import { randomStackOptions } from "../support/stack-options.ts";

const SHARDS = ["0", "1", "2", "3"];
const SHARD_TIMEOUT_S = 2; // METRICS_SHARD_TIMEOUT_MS in monitoring/wrangler.toml

let options: StackOptions;
let stack: Stack;
beforeAll(async () => {
  const base = await randomStackOptions("qingyu-faults-shard-");
  // Isolates flush every 300 ms instead of 5 s, so shards are written all through the scrapes.
  options = { ...base, apiWorker: "testing", apiVars: { ...base.apiVars, ENABLE_BENCH_ROUTES: "true", METRICS_FLUSH_INTERVAL_MS: "300" } };
  stack = await startStack(options);
});
afterAll(async () => {
  await stack?.stop();
  if (options) await rm(options.stateDir, { recursive: true, force: true });
});

async function setDelay(shard: string, delayMs: number): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/api/v1/internal/faults/metrics-shards/${shard}/delay`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${await serviceToken()}`, "content-type": "application/json" },
    body: JSON.stringify({ delayMs }),
  });
  expect(response.status).toBe(200);
}

/** Counter and histogram series per shard, from a scrape. */
const seriesOfShard = (series: Map<string, number>, shard: string) => [...series.keys()].filter((key) => key.includes(`shard="${shard}"`));

describe("scraping while shards are written and one is slow (faults)", () => {
  it("no scrape fails, the slow shard is reported (timed out, or late within the deadline), and counters never go down", { timeout: 120_000 }, async () => {
    // Steady traffic: every request is a sample, so shards are written while we scrape.
    let traffic = true;
    let requests = 0;
    const load = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (traffic) {
          await Promise.all([fetch(`${stack.apiUrl}/api/v1/system/ping`), fetch(`${stack.apiUrl}/health/live`)]).then((responses) =>
            Promise.all(responses.map((response) => response.arrayBuffer())),
          );
          requests += 2;
        }
      }),
    );
    const highest = new Map<string, number>();
    const decreases: string[] = [];
    const scrapes: Array<{ status: number; seconds: number; samples: Map<string, number>; body: string }> = [];
    const scrapeOnce = async () => {
      const startedAt = Date.now();
      const { status, body } = await scrape(stack.exporterUrl, stack.metricsToken);
      const samples = parseSamples(body);
      for (const [series, value] of monotonicSeries(body)) {
        if (value < (highest.get(series) ?? -Infinity)) decreases.push(`${series}: ${highest.get(series)} → ${value}`);
        highest.set(series, Math.max(value, highest.get(series) ?? value));
      }
      const result = { status, seconds: (Date.now() - startedAt) / 1000, samples, body };
      scrapes.push(result);
      return result;
    };
    try {
      // The slow shard is the one holding the most series, so its absence and return are visible.
      let baseline = await scrapeOnce();
      await waitFor(
        async () => {
          baseline = await scrapeOnce();
          const allUp = SHARDS.every((shard) => baseline.samples.get(`qingyu_exporter_shard_up{shard="${shard}"}`) === 1);
          return allUp && [...baseline.samples.keys()].some((key) => key.startsWith('qingyu_http_requests_total{method="GET",route="/api/v1/system/ping"'));
        },
        { timeoutMs: 20_000, intervalMs: 300, what: "a scrape with every shard up and the traffic in it" },
      );
      const baselineBody = baseline.body;
      const counts = SHARDS.map((shard) => seriesOfShard(monotonicSeries(baselineBody), shard).length);
      const slow = SHARDS[counts.indexOf(Math.max(...counts))]!;

      // Slower than the exporter's per-shard deadline: the scrape goes on without it.
      await setDelay(slow, 3_000);
      const timedOutScrapes: number[] = [];
      for (let round = 0; round < 4; round++) {
        const { status, seconds, samples } = await scrapeOnce();
        timedOutScrapes.push(seconds);
        expect(status).toBe(200);
        expect(samples.get(`qingyu_exporter_shard_up{shard="${slow}"}`)).toBe(0);
        expect(samples.get(`qingyu_exporter_shard_read_duration_seconds{shard="${slow}"}`)).toBe(SHARD_TIMEOUT_S);
        expect(samples.get('qingyu_exporter_shard_failures{reason="timeout"}')).toBe(1);
        for (const shard of SHARDS.filter((other) => other !== slow)) expect(samples.get(`qingyu_exporter_shard_up{shard="${shard}"}`), shard).toBe(1);
        expect(seriesOfShard(monotonicSeries(scrapes.at(-1)!.body), slow)).toEqual([]);
        // Bounded by the deadline, not by the slow shard.
        expect(seconds).toBeLessThan(SHARD_TIMEOUT_S + 0.9);
      }

      // Slow but within the deadline: the shard is in, and its read time shows it.
      await setDelay(slow, 1_000);
      for (let round = 0; round < 3; round++) {
        const { status, samples } = await scrapeOnce();
        expect(status).toBe(200);
        expect(samples.get(`qingyu_exporter_shard_up{shard="${slow}"}`)).toBe(1);
        expect(samples.get(`qingyu_exporter_shard_read_duration_seconds{shard="${slow}"}`)).toBeGreaterThanOrEqual(1);
        expect(samples.get('qingyu_exporter_shard_failures{reason="timeout"}')).toBe(0);
      }

      await setDelay(slow, 0);
      const last = await scrapeOnce();
      expect(last.samples.get(`qingyu_exporter_shard_up{shard="${slow}"}`)).toBe(1);
      // The slow shard kept being written while it was out of the scrapes: its series came back, none lower.
      expect(seriesOfShard(monotonicSeries(last.body), slow).length).toBeGreaterThanOrEqual(counts[Number(slow)]!);
      const before = monotonicSeries(baselineBody);
      const after = monotonicSeries(last.body);
      expect(seriesOfShard(after, slow).filter((series) => (after.get(series) ?? 0) > (before.get(series) ?? 0)).length).toBeGreaterThan(0);
      expect(decreases).toEqual([]);
      expect(scrapes.every((result) => result.status === 200)).toBe(true);
      console.log(
        `slow shard ${slow}: ${scrapes.length} scrapes, all 200, ${highest.size} counter/histogram series tracked, none went down; ${requests} requests written meanwhile; ` +
          `scrapes with the shard timed out took ${Math.min(...timedOutScrapes).toFixed(2)}–${Math.max(...timedOutScrapes).toFixed(2)} s`,
      );
    } finally {
      traffic = false;
      await load;
      for (const shard of SHARDS) await setDelay(shard, 0).catch(() => {});
    }
  });
});
