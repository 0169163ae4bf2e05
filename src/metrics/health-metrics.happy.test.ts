import { describe, expect, it } from "vitest";
import { runCheck, type HealthCheck, type HealthResult } from "../services/health";
import { MetricsBuffer } from "./buffer";

const check = (name: string, result: HealthResult): HealthCheck => ({ name, kind: "dependency", critical: true, version: () => "1", health: async () => result });

describe("dependency health metrics (happy)", () => {
  it("runCheck records the status one-hot and the check latency per dependency", async () => {
    const buffer = new MetricsBuffer(100);
    await runCheck(check("redis", { status: "unhealthy", latencyMs: 1500, message: "timed out" }), buffer);
    await runCheck(check("d1", { status: "healthy", latencyMs: 3 }), buffer);
    const values = Object.fromEntries(buffer.drain().map((sample) => [`${sample.name}{${sample.labels.join(",")}}`, sample.kind === "histogram" ? sample.count : sample.value]));
    expect(values).toEqual({
      "qingyu_dependency_health_status{redis,healthy}": 0,
      "qingyu_dependency_health_status{redis,degraded}": 0,
      "qingyu_dependency_health_status{redis,unhealthy}": 1,
      "qingyu_dependency_health_check_duration_seconds{redis}": 1.5,
      "qingyu_dependency_health_status{d1,healthy}": 1,
      "qingyu_dependency_health_status{d1,degraded}": 0,
      "qingyu_dependency_health_status{d1,unhealthy}": 0,
      "qingyu_dependency_health_check_duration_seconds{d1}": 0.003,
    });
  });
});
