import { describe, expect, it } from "vitest";
import type { Metrics } from "./api";
import { MetricsBuffer } from "./buffer";
import type { Sample } from "../../contract/metrics/wire";

const find = (samples: Sample[], name: string, labels: string[]) => samples.find((sample) => sample.name === name && sample.labels.join("|") === labels.join("|"));

describe("MetricsBuffer (happy)", () => {
  it("aggregates counters, deltas, set-gauges and histograms per series", () => {
    let clock = 1000;
    const buffer = new MetricsBuffer(100, () => clock);
    const metrics: Metrics = buffer;
    metrics.inc("qingyu_auth_logins_total", { result: "success" });
    metrics.inc("qingyu_auth_logins_total", { result: "success" }, 2);
    metrics.inc("qingyu_auth_logins_total", { result: "failure" });
    metrics.add("qingyu_http_requests_in_flight", {}, 1);
    metrics.add("qingyu_http_requests_in_flight", {}, -1);
    metrics.set("qingyu_auth_active_sessions", {}, 5);
    clock = 2000;
    metrics.set("qingyu_auth_active_sessions", {}, 7);
    metrics.observe("qingyu_dependency_call_duration_seconds", { dependency: "redis", operation: "get" }, 0.004);
    metrics.observe("qingyu_dependency_call_duration_seconds", { dependency: "redis", operation: "get" }, 0.005);
    metrics.observe("qingyu_dependency_call_duration_seconds", { dependency: "redis", operation: "get" }, 0.3);
    metrics.observe("qingyu_dependency_call_duration_seconds", { dependency: "redis", operation: "get" }, 99);
    expect(buffer.size).toBe(5);

    const samples = buffer.drain();
    expect(buffer.size).toBe(0);
    expect(find(samples, "qingyu_auth_logins_total", ["success"])).toMatchObject({ kind: "counter", value: 3 });
    expect(find(samples, "qingyu_auth_logins_total", ["failure"])).toMatchObject({ kind: "counter", value: 1 });
    expect(find(samples, "qingyu_http_requests_in_flight", [])).toMatchObject({ kind: "gauge_add", value: 0 });
    expect(find(samples, "qingyu_auth_active_sessions", [])).toMatchObject({ kind: "gauge_set", value: 7, at: 2000 });
    const histogram = find(samples, "qingyu_dependency_call_duration_seconds", ["redis", "get"]);
    // bounds 0.005, 0.01, ..., 0.25, 0.5, ..., 10, +Inf: 0.004 and 0.005 land in le=0.005 (le is inclusive), 0.3 in le=0.5, 99 in +Inf
    expect(histogram).toMatchObject({ kind: "histogram", count: 4, sum: 99.309, buckets: [2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
  });

  it("keeps label values in the registry's label order whatever the object order", () => {
    const buffer = new MetricsBuffer(100);
    buffer.inc("qingyu_http_requests_total", { status: "2xx", route: "/x", method: "GET" });
    buffer.inc("qingyu_http_requests_total", { method: "GET", route: "/x", status: "2xx" });
    expect(buffer.drain()).toEqual([{ kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", "/x", "2xx"], value: 2 }]);
  });
});
