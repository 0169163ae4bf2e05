import type { Metrics } from "../metrics/api";
import { isolateMetrics } from "../metrics/isolate";

/** Status of one dependency or of the whole service. */
export type HealthStatus = "healthy" | "degraded" | "unhealthy";

/** What one check reports. */
export interface HealthResult {
  status: HealthStatus;
  latencyMs: number;
  /** Why the check failed; never contains secrets. */
  message?: string;
}

/**
 * Implemented by every dependency and service module (the seed's BaseService
 * idea): a name, a version, and a bounded `health()`.
 */
export interface HealthCheck {
  readonly name: string;
  readonly kind: "dependency" | "durable_object";
  /** A critical check that fails makes the whole service unhealthy (503); others only degrade it. */
  readonly critical: boolean;
  version(): string;
  health(): Promise<HealthResult>;
}

/** The aggregated report served by /health/ready and /api/v1/system/health. */
export interface HealthReport {
  status: HealthStatus;
  version: string;
  environment: string;
  checkedAt: string;
  checks: Array<{ name: string; kind: HealthCheck["kind"]; critical: boolean; version: string; status: HealthStatus; latency_ms: number; message?: string }>;
}

/**
 * Times a probe: resolves healthy (or degraded when slower than `degradedMs`),
 * unhealthy on error or when it takes longer than `timeoutMs`. Never throws.
 */
export async function timedProbe(probe: () => Promise<unknown>, limits: { timeoutMs: number; degradedMs: number }): Promise<HealthResult> {
  const startedAt = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${limits.timeoutMs} ms`)), limits.timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    const latencyMs = Math.round(performance.now() - startedAt);
    return { status: latencyMs > limits.degradedMs ? "degraded" : "healthy", latencyMs };
  } catch (error) {
    return { status: "unhealthy", latencyMs: Math.round(performance.now() - startedAt), message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** One line of a report. */
export type HealthCheckLine = HealthReport["checks"][number];

const HEALTH_STATUSES: readonly HealthStatus[] = ["healthy", "degraded", "unhealthy"];

/** Runs one check and describes it as a report line; records its status and latency as metrics. */
export async function runCheck(check: HealthCheck, metrics: Metrics = isolateMetrics()): Promise<HealthCheckLine> {
  const result = await check.health();
  // One-hot over the statuses, all set together, so the newest check wins for every status series at once.
  for (const status of HEALTH_STATUSES) {
    metrics.set("qingyu_dependency_health_status", { dependency: check.name, status }, status === result.status ? 1 : 0);
  }
  metrics.set("qingyu_dependency_health_check_duration_seconds", { dependency: check.name }, result.latencyMs / 1000);
  return {
    name: check.name,
    kind: check.kind,
    critical: check.critical,
    version: check.version(),
    status: result.status,
    latency_ms: result.latencyMs,
    ...(result.message ? { message: result.message } : {}),
  };
}

/** Runs every check in parallel and folds them into one report. */
export async function checkAll(checks: readonly HealthCheck[], meta: { version: string; environment: string }): Promise<HealthReport> {
  const results = await Promise.all(checks.map((check) => runCheck(check)));
  const criticalDown = results.some((result) => result.critical && result.status === "unhealthy");
  const anyImpaired = results.some((result) => result.status !== "healthy");
  return {
    status: criticalDown ? "unhealthy" : anyImpaired ? "degraded" : "healthy",
    version: meta.version,
    environment: meta.environment,
    checkedAt: new Date().toISOString(),
    checks: results,
  };
}
