import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { patchRuntimeConfig, registerAdmin, serviceToken } from "../support/admin.ts";
import { randomStackOptions } from "../support/stack-options.ts";
import { registerUser } from "../support/users.ts";
import { parseSamples, scrape } from "./exposition.ts";

/**
 * The runtime config's `metrics.recording` switch, on a stack of its own:
 * pausing recording everywhere would empty the panels the shared stack's
 * Prometheus test checks.
 */
let options: StackOptions | undefined;
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  if (options) await rm(options.stateDir, { recursive: true, force: true });
});

const PING = 'qingyu_http_requests_total{method="GET",route="/api/v1/system/ping",status="2xx"';
const CONSUMES = 'qingyu_quota_consume_total{quota_type="daily",result="ok"';
const DURABLE_OBJECT_CONSUMES = 'qingyu_dependency_calls_total{dependency="durable_object",operation="quota_counter.consume"';
const FLUSH_MS = 300;
/** CONFIG_CACHE_TTL_MS (2 s) plus a round trip: every isolate and object has seen a switch flip by then. */
const SWITCH_SETTLES_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function samples(): Promise<Map<string, number>> {
  const running = stack as Stack;
  const { status, body } = await scrape(running.exporterUrl, running.metricsToken);
  expect(status).toBe(200);
  return parseSamples(body);
}

/** A series summed over the exporter's `shard` label; `series` is its name and labels without the closing brace. */
const total = (all: Map<string, number>, series: string) =>
  [...all].filter(([key]) => key.startsWith(`${series},`) || key.startsWith(`${series}}`)).reduce((sum, [, value]) => sum + value, 0);

/** Waits until the series reads `expected`, then checks it stays there for several flush intervals (nothing late arrives). */
async function settlesAt(series: string, expected: number): Promise<void> {
  let seen = 0;
  await waitFor(async () => (seen = total(await samples(), series)) === expected, {
    timeoutMs: 15_000,
    intervalMs: 200,
    what: `${series} = ${expected}`,
  }).catch((error: unknown) => {
    throw new Error(`${String(error)}; last read ${seen}`);
  });
  await sleep(FLUSH_MS * 5);
  expect(total(await samples(), series)).toBe(expected);
}

describe("metrics.recording in the runtime config (happy)", () => {
  it("pauses counters everywhere without a deploy, keeps gauges true, and resumes", async () => {
    options = await randomStackOptions("qingyu-e2e-recording-switch-");
    options.apiVars = { ...options.apiVars, METRICS_FLUSH_INTERVAL_MS: String(FLUSH_MS) };
    stack = await startStack(options);
    const api = stack.apiUrl;
    const admin = await registerAdmin(options.stateDir, api);
    const internal = { Authorization: `Bearer ${await serviceToken()}`, "content-type": "application/json" };
    const ping = async (times: number) => {
      for (let index = 0; index < times; index++) expect((await fetch(`${api}/api/v1/system/ping`)).status).toBe(200);
    };
    const consume = async (userId: string, requestId: string) => {
      const response = await fetch(`${api}/api/v1/internal/quota/${userId}/consume`, {
        method: "POST",
        headers: internal,
        body: JSON.stringify({ amount: 1, service: "chat", requestId }),
      });
      expect(response.status).toBe(200);
    };

    // Recording on: the baseline.
    const first = (await registerUser(api)).pair.user.id;
    await ping(5);
    await consume(first, "switch-1");
    await settlesAt(PING, 5);
    await settlesAt(CONSUMES, 1);
    const usersBefore = total(await samples(), 'qingyu_quota_users{level="ok"');

    // Paused: requests, route counters and dependency calls stop moving; the users-by-level gauge still follows
    // the new user's QuotaCounter (a delta dropped while paused would leave it wrong for good).
    await patchRuntimeConfig(api, admin.token, { metrics: { recording: false } });
    await sleep(SWITCH_SETTLES_MS);
    const paused = await samples();
    const second = (await registerUser(api)).pair.user.id;
    await ping(20);
    await consume(first, "switch-2");
    await consume(second, "switch-3");
    await sleep(FLUSH_MS * 5);
    const afterPause = await samples();
    expect(total(afterPause, PING)).toBe(5);
    expect(total(afterPause, CONSUMES)).toBe(1);
    expect(total(paused, DURABLE_OBJECT_CONSUMES)).toBeGreaterThan(0);
    expect(total(afterPause, DURABLE_OBJECT_CONSUMES)).toBe(total(paused, DURABLE_OBJECT_CONSUMES));
    expect(total(afterPause, 'qingyu_quota_users{level="ok"')).toBe(usersBefore + 1);

    // Resumed: counting goes on from where it stopped.
    await patchRuntimeConfig(api, admin.token, { metrics: { recording: true } });
    await sleep(SWITCH_SETTLES_MS);
    await ping(7);
    await consume(second, "switch-4");
    await settlesAt(PING, 12);
    await settlesAt(CONSUMES, 2);
  }, 120_000);
});
