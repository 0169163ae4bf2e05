/**
 * Drives autocannon for one scenario: a discarded warm-up (the first requests
 * after start pay for isolate start-up, module compilation and cold caches),
 * then the measured run. Every run is bounded three ways: duration, a request
 * cap, and a watchdog that stops autocannon should its own timer not fire.
 */
import autocannon from "autocannon";
import { stackCpuSeconds } from "./cpu.ts";
import type { Measurement } from "./report.ts";
import type { BenchRequest } from "./scenario.ts";

/** Load settings shared by all scenarios of a run. */
export interface LoadSettings {
  durationS: number;
  warmupS: number;
  connections: number;
  /** Per-request timeout. */
  timeoutS: number;
}

/** Loopback through wrangler dev does hundreds to a few thousand req/s; this cap only guards against a runaway loop. */
const MAX_REQ_PER_SECOND = 100_000;
const FIRST_ERROR_MAX_CHARS = 500;

let current: autocannon.Instance | undefined;
let stopped = false;

/** Ctrl-C: stops the autocannon run in progress (it resolves with partial results) and refuses new ones. */
export function stopRuns(): void {
  stopped = true;
  current?.stop();
}

/** Nearest-rank percentile of sorted values, rounded to 0.01 ms; 0 when there are none. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return Math.round(value * 100) / 100;
}

async function runOnce(url: string, requests: BenchRequest[], durationS: number, settings: LoadSettings): Promise<Measurement> {
  // Otherwise a Ctrl-C during the warm-up would go on to start the measured run.
  if (stopped) throw new Error("benchmark runs were stopped");
  let firstError: string | undefined;
  // Wrapping onResponse costs little: autocannon buffers every body anyway.
  const watched: autocannon.Request[] = requests.map((request) => ({
    ...request,
    onResponse: (status, body, context, headers) => {
      if (firstError === undefined && (status < 200 || status > 299)) firstError = `${status} ${body.slice(0, FIRST_ERROR_MAX_CHARS)}`;
      request.onResponse?.(status, body, context, headers);
    },
  }));
  const instance = autocannon({
    url,
    connections: settings.connections,
    duration: durationS,
    // Not `amount`: it would override `duration`; this caps the count and keeps the time limit.
    maxOverallRequests: Math.max(settings.connections, Math.ceil(MAX_REQ_PER_SECOND * durationS)),
    timeout: settings.timeoutS,
    requests: watched,
  });
  current = instance;
  // autocannon's latency histogram has 1 ms resolution, too coarse for p99 ratios of
  // loopback requests that take a few ms; the response event has the exact time.
  const latencies: number[] = [];
  instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
    latencies.push(responseTimeMs);
  });
  instance.on("reqError", (error) => {
    firstError ??= `request error: ${error.message}`;
  });
  const watchdog = setTimeout(() => instance.stop(), (durationS + settings.timeoutS + 5) * 1000);
  const cpuBefore = stackCpuSeconds();
  try {
    const result = await instance;
    const cpuAfter = stackCpuSeconds();
    const cpuUsPerRequest =
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : Math.round(((cpuAfter - cpuBefore) / result.requests.total) * 1e6);
    latencies.sort((a, b) => a - b);
    return {
      reqPerSec: Math.round(result.requests.average),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      ...(cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest }),
      ...(firstError === undefined ? {} : { firstError }),
    };
  } finally {
    clearTimeout(watchdog);
    current = undefined;
  }
}

/** Warm-up (discarded), then the measured run; `around` wraps the measured run alone (the bench's profiler). */
export async function measure(
  url: string,
  requests: BenchRequest[],
  settings: LoadSettings,
  progress: (line: string) => void,
  around: <T>(run: () => Promise<T>) => Promise<T> = (run) => run(),
): Promise<Measurement> {
  if (settings.warmupS > 0) {
    const warmup = await runOnce(url, requests, settings.warmupS, settings);
    if (warmup.firstError !== undefined) progress(`  warm-up saw failures (${warmup.non2xx} non-2xx, ${warmup.errors} errors): ${warmup.firstError}`);
  }
  return around(() => runOnce(url, requests, settings.durationS, settings));
}
