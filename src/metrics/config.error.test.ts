import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { loadMetricsConfig } from "./config";

describe("metrics config (error)", () => {
  it("uses documented defaults when the vars are absent", () => {
    expect(loadMetricsConfig({})).toEqual({ enabled: true, shards: 4, flushIntervalMs: 5000, flushMaxSeries: 500, flushTimeoutMs: 5000, maxSeriesPerFamily: 2000 });
    expect(loadMetricsConfig({ METRICS_ENABLED: "false" }).enabled).toBe(false);
  });

  it("names each bad variable, never its value", () => {
    let caught: unknown;
    try {
      loadMetricsConfig({ METRICS_ENABLED: "yes-please", METRICS_SHARDS: "0", METRICS_FLUSH_INTERVAL_MS: "60000" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    const details = (caught as ApiError).details as { config: Record<string, string> };
    expect(Object.keys(details.config).sort()).toEqual(["METRICS_ENABLED", "METRICS_FLUSH_INTERVAL_MS", "METRICS_SHARDS"]);
    expect(JSON.stringify(details)).not.toContain("yes-please");
  });
});
