import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { monotonicSeries, parseSamples, scrape } from "./exposition.ts";

/** This file stops and restarts a whole stack, so it runs its own rather than the shared one. */
let options: StackOptions | undefined;
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  if (options) await rm(options.stateDir, { recursive: true, force: true });
});

const allShardsUp = (body: string) => [...parseSamples(body)].filter(([series, up]) => series.startsWith("qingyu_exporter_shard_up") && up === 1).length === 4;

async function traffic(running: Stack): Promise<void> {
  await Promise.all(["/api/v1/system/ping", "/health/ready", "/api/v1/system/health/d1", "/api/v1/nope"].map(async (path) => (await fetch(`${running.apiUrl}${path}`)).arrayBuffer()));
}

describe("metrics across a restart of the local stack (happy)", () => {
  it("no counter or histogram series goes down, and none disappears", async () => {
    options = await randomStackOptions("qingyu-e2e-metrics-restart-");
    stack = await startStack(options);
    let before = new Map<string, number>();
    await waitFor(
      async () => {
        await traffic(stack as Stack);
        const { body } = await scrape((stack as Stack).exporterUrl, (stack as Stack).metricsToken);
        before = monotonicSeries(body);
        return allShardsUp(body) && [...before.keys()].some((series) => series.startsWith('qingyu_http_requests_total{method="GET",route="/api/v1/system/ping"'));
      },
      { timeoutMs: 40_000, intervalMs: 1000, what: "flushed API traffic in /metrics" },
    );
    await stack.stop();
    stack = undefined;

    stack = await startStack(options);
    let after = new Map<string, number>();
    await waitFor(
      async () => {
        const { body } = await scrape((stack as Stack).exporterUrl, (stack as Stack).metricsToken);
        after = monotonicSeries(body);
        return allShardsUp(body);
      },
      { timeoutMs: 20_000, intervalMs: 500, what: "a complete scrape after the restart" },
    );
    const lost = [...before].filter(([series, value]) => !((after.get(series) ?? -1) >= value));
    expect(lost).toEqual([]);
    expect(before.size).toBeGreaterThan(10);
  }, 180_000);
});
