/**
 * Request rate, error rate and latency quantiles per service over a recent
 * window, from the MetricsShards' own HTTP totals (TotalsRing copies): the
 * difference of each series between the window's start and now. A service is
 * the part of the API a route belongs to, from its route template.
 */
import type { TotalsWindow } from "../../contract/metrics/totals-ring";
import { seriesKey, type HistogramSample, type Sample } from "../../contract/metrics/wire";
import { METRICS } from "../../contract/metrics/definitions";

/** One service's recent traffic. Rates are per second; latencies in milliseconds (null without requests). */
export interface ServiceStats {
  service: string;
  requests: number;
  request_rate: number;
  errors: number;
  /** 5xx answers / all answers (0 without requests). */
  error_rate: number;
  client_errors: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/** Route prefixes (after /api/v1/) → service; the first path segment otherwise. */
const SERVICE_PREFIXES: Array<[string, string]> = [
  ["shared/auth", "auth"],
  ["user/auth", "auth"],
  ["shared/wallet", "wallet"],
  ["finance", "wallet"],
  ["ai", "quota"],
  ["internal/quota", "quota"],
  ["users", "user"],
  ["user", "user"],
];

/** The service of a route template: `/api/v1/finance/wallet/balance` → wallet, `/health/ready` → health, 404s → unmatched. */
export function serviceOf(route: string): string {
  if (!route.startsWith("/")) return route;
  const rest = route.startsWith("/api/v1/") ? route.slice("/api/v1/".length) : route.slice(1);
  const prefixed = SERVICE_PREFIXES.find(([prefix]) => rest === prefix || rest.startsWith(`${prefix}/`));
  return prefixed?.[1] ?? (rest.split("/")[0] || "root");
}

const BOUNDS = METRICS.qingyu_http_request_duration_seconds.buckets;

/** Prometheus' histogram_quantile over per-bucket counts: linear inside the bucket; in +Inf, the highest finite bound. */
export function quantileOf(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let before = 0;
  for (let index = 0; index < buckets.length; index++) {
    const count = buckets[index] ?? 0;
    if (before + count >= rank && count > 0) {
      const upper = BOUNDS[index];
      if (upper === undefined) return BOUNDS[BOUNDS.length - 1] ?? null;
      const lower = index === 0 ? 0 : (BOUNDS[index - 1] ?? 0);
      return lower + ((upper - lower) * (rank - before)) / count;
    }
    before += count;
  }
  return BOUNDS[BOUNDS.length - 1] ?? null;
}

type Totals = { requests: number; rate: number; errors: number; clientErrors: number; buckets: number[] };

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** What grew in one shard's window, folded into `byService`. Series that shrank (a restarted shard with fewer totals) count from zero. */
function foldWindow(window: TotalsWindow, byService: Map<string, Totals>): void {
  const then = new Map<string, Sample>(window.then.map((sample) => [seriesKey(sample.name, sample.labels), sample]));
  const seconds = Math.max(1, (window.now - window.since) / 1000);
  for (const sample of window.current) {
    const [, route = "unmatched", status = ""] = sample.labels;
    const entry = byService.get(serviceOf(route)) ?? { requests: 0, rate: 0, errors: 0, clientErrors: 0, buckets: BOUNDS.map(() => 0).concat(0) };
    byService.set(serviceOf(route), entry);
    const before = then.get(seriesKey(sample.name, sample.labels));
    if (sample.kind === "counter") {
      const previous = before?.kind === "counter" && before.value <= sample.value ? before.value : 0;
      const delta = sample.value - previous;
      entry.requests += delta;
      entry.rate += delta / seconds;
      if (status === "5xx") entry.errors += delta;
      if (status === "4xx") entry.clientErrors += delta;
    } else if (sample.kind === "histogram") {
      const previous: HistogramSample | undefined = before?.kind === "histogram" && before.count <= sample.count ? before : undefined;
      sample.buckets.forEach((count, index) => {
        entry.buckets[index] = (entry.buckets[index] ?? 0) + count - (previous?.buckets[index] ?? 0);
      });
    }
  }
}

/** Per-service stats over every shard's window, busiest first. */
export function serviceStats(windows: readonly TotalsWindow[]): ServiceStats[] {
  const byService = new Map<string, Totals>();
  for (const window of windows) foldWindow(window, byService);
  return [...byService.entries()]
    .map(([service, totals]): ServiceStats => {
      const p50 = quantileOf(totals.buckets, 0.5);
      const p99 = quantileOf(totals.buckets, 0.99);
      return {
        service,
        requests: totals.requests,
        request_rate: round(totals.rate, 3),
        errors: totals.errors,
        error_rate: totals.requests > 0 ? round(totals.errors / totals.requests, 4) : 0,
        client_errors: totals.clientErrors,
        p50_ms: p50 === null ? null : round(p50 * 1000, 2),
        p99_ms: p99 === null ? null : round(p99 * 1000, 2),
      };
    })
    .sort((a, b) => b.requests - a.requests || a.service.localeCompare(b.service));
}
