import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { measuredStub } from "../lib/measured-stub";
import { NO_METRICS, pausedMetrics, recordsCounters } from "./api";
import { MetricsBuffer } from "./buffer";

describe("paused recording (happy)", () => {
  it("drops counters and histograms but keeps gauges, so a +1/−1 gauge stays true across a pause", () => {
    const buffer = new MetricsBuffer(100);
    const paused = pausedMetrics(buffer);
    paused.inc("qingyu_auth_logins_total", { result: "success" });
    paused.observe("qingyu_dependency_call_duration_seconds", { dependency: "redis", operation: "get" }, 0.004);
    paused.add("qingyu_quota_users", { level: "ok" }, 1);
    paused.set("qingyu_auth_active_sessions", {}, 3);
    const samples = buffer.drain();
    expect(samples.map((sample) => sample.name).sort()).toEqual(["qingyu_auth_active_sessions", "qingyu_quota_users"]);
    expect(samples.find((sample) => sample.name === "qingyu_quota_users")).toMatchObject({ value: 1 });
  });

  it("is one view per buffer, and tells callers to skip the timing work it would drop", () => {
    const buffer = new MetricsBuffer(100);
    expect(pausedMetrics(buffer)).toBe(pausedMetrics(buffer));
    expect(recordsCounters(buffer)).toBe(true);
    expect(recordsCounters(pausedMetrics(buffer))).toBe(false);
    expect(recordsCounters(NO_METRICS)).toBe(false);
  });

  it("leaves Durable Object stubs unwrapped while paused: no proxy on the RPC path", () => {
    const stub = env.QUOTA_COUNTER.getByName("paused-recording");
    const buffer = new MetricsBuffer(100);
    // Compared with ===: handing an RPC stub to expect() makes its matchers call methods on the object.
    expect(measuredStub(stub, "quota_counter", pausedMetrics(buffer)) === stub).toBe(true);
    expect(measuredStub(stub, "quota_counter", buffer) === stub).toBe(false);
  });
});
