import { describe, expect, it } from "vitest";
import type { Metrics } from "./api";
import { MetricsBuffer } from "./buffer";
import type { Sample } from "../../contract/metrics/wire";

const find = (samples: Sample[], name: string, labels: string[]) => samples.find((sample) => sample.name === name && sample.labels.join("|") === labels.join("|"));

describe("MetricsBuffer (error)", () => {
  it("drops label values outside an enumeration and counts them", () => {
    const buffer = new MetricsBuffer(100);
    (buffer as Metrics).inc("qingyu_auth_logins_total", { result: "maybe" as "success" });
    expect(buffer.drain()).toEqual([{ kind: "counter", name: "qingyu_metrics_dropped_samples_total", labels: ["invalid_label"], value: 1 }]);
  });

  it("drops unknown families, missing labels, over-long free labels, negative counter steps and NaN", () => {
    const buffer = new MetricsBuffer(100);
    const untyped = buffer as unknown as { inc(name: string, labels: object, by?: number): void; observe(name: string, labels: object, value: number): void };
    untyped.inc("qingyu_no_such_metric_total", {});
    untyped.inc("qingyu_http_requests_total", { method: "GET", route: "/x" });
    untyped.inc("qingyu_cache_hits_total", { cache: "x".repeat(200) });
    untyped.inc("qingyu_cache_hits_total", { cache: "profile" }, -1);
    untyped.observe("qingyu_http_request_size_bytes", { method: "GET", route: "/x" }, Number.NaN);
    const samples = buffer.drain();
    expect(find(samples, "qingyu_metrics_dropped_samples_total", ["unknown_metric"])).toMatchObject({ value: 1 });
    expect(find(samples, "qingyu_metrics_dropped_samples_total", ["invalid_label"])).toMatchObject({ value: 2 });
    expect(find(samples, "qingyu_metrics_dropped_samples_total", ["invalid_value"])).toMatchObject({ value: 2 });
    expect(samples).toHaveLength(3);
  });

  it("caps series per family and counts what it dropped", () => {
    const buffer = new MetricsBuffer(10);
    for (let index = 0; index < 25; index++) buffer.inc("qingyu_cache_hits_total", { cache: `cache-${index}` });
    buffer.inc("qingyu_cache_hits_total", { cache: "cache-3" });
    const samples = buffer.drain();
    expect(samples.filter((sample) => sample.name === "qingyu_cache_hits_total")).toHaveLength(10);
    expect(find(samples, "qingyu_cache_hits_total", ["cache-3"])).toMatchObject({ value: 2 });
    expect(find(samples, "qingyu_metrics_dropped_samples_total", ["cardinality"])).toMatchObject({ value: 15 });
  });
});
