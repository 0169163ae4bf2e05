import { describe, expect, it } from "vitest";
import { METRICS } from "./definitions";
import type { FamilyToRender } from "./merge";
import { CONTENT_TYPES, escapeLabelValue, formatBound, negotiateFormat, render } from "./render";

const requests: FamilyToRender = {
  name: "qingyu_http_requests_total",
  definition: METRICS.qingyu_http_requests_total,
  labelNames: ["method", "route", "status", "shard"],
  samples: [
    { kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", "/api/v1/system/health/:service", "2xx", "0"], value: 3 },
    { kind: "counter", name: "qingyu_http_requests_total", labels: ["GET", 'odd\\route"with\nnewline', "4xx", "1"], value: 1 },
  ],
};

const duration: FamilyToRender = {
  name: "qingyu_http_request_duration_seconds",
  definition: METRICS.qingyu_http_request_duration_seconds,
  labelNames: ["method", "route", "status", "shard"],
  samples: [
    {
      kind: "histogram",
      name: "qingyu_http_request_duration_seconds",
      labels: ["GET", "/health/ready", "2xx", "0"],
      // one in ≤5 ms, two in ≤25 ms, one above 10 s
      buckets: [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      sum: 12.05,
      count: 4,
    },
  ],
};

const inFlight: FamilyToRender = {
  name: "qingyu_http_requests_in_flight",
  definition: METRICS.qingyu_http_requests_in_flight,
  labelNames: [],
  samples: [{ kind: "gauge_add", name: "qingyu_http_requests_in_flight", labels: [], value: 2 }],
};

describe("Prometheus text format 0.0.4 (happy)", () => {
  const text = render([requests, duration, inFlight], "prometheus");
  const lines = text.split("\n");

  it("writes one HELP and TYPE per family before its samples", () => {
    expect(lines[0]).toBe(`# HELP qingyu_http_requests_total ${METRICS.qingyu_http_requests_total.help}`);
    expect(lines[1]).toBe("# TYPE qingyu_http_requests_total counter");
    expect(lines).toContain("# TYPE qingyu_http_request_duration_seconds histogram");
    expect(lines).toContain("# TYPE qingyu_http_requests_in_flight gauge");
    expect(text.match(/# TYPE qingyu_http_requests_total /g)).toHaveLength(1);
  });

  it("escapes backslash, double quote and newline in label values", () => {
    expect(lines).toContain('qingyu_http_requests_total{method="GET",route="odd\\\\route\\"with\\nnewline",status="4xx",shard="1"} 1');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it("renders histograms as cumulative buckets ending in +Inf, then _sum and _count", () => {
    const buckets = lines.filter((line) => line.startsWith("qingyu_http_request_duration_seconds_bucket"));
    expect(buckets).toHaveLength(METRICS.qingyu_http_request_duration_seconds.buckets.length + 1);
    expect(buckets[0]).toBe('qingyu_http_request_duration_seconds_bucket{method="GET",route="/health/ready",status="2xx",shard="0",le="0.005"} 1');
    expect(buckets[2]).toBe('qingyu_http_request_duration_seconds_bucket{method="GET",route="/health/ready",status="2xx",shard="0",le="0.025"} 3');
    expect(buckets.at(-2)).toContain('le="10.0"} 3');
    expect(buckets.at(-1)).toBe('qingyu_http_request_duration_seconds_bucket{method="GET",route="/health/ready",status="2xx",shard="0",le="+Inf"} 4');
    const counts = buckets.map((line) => Number(line.split(" ").at(-1)));
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(lines).toContain('qingyu_http_request_duration_seconds_sum{method="GET",route="/health/ready",status="2xx",shard="0"} 12.05');
    expect(lines).toContain('qingyu_http_request_duration_seconds_count{method="GET",route="/health/ready",status="2xx",shard="0"} 4');
  });

  it("renders a family without labels without braces, and ends with a newline", () => {
    expect(lines).toContain("qingyu_http_requests_in_flight 2");
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain("# EOF");
  });

  it("formats bucket bounds as canonical floats", () => {
    expect([formatBound(1), formatBound(0.005), formatBound(1048576), formatBound(Infinity)]).toEqual(["1.0", "0.005", "1048576.0", "+Inf"]);
  });
});

describe("OpenMetrics 1.0 (happy)", () => {
  const text = render([requests, duration, inFlight], "openmetrics");
  const lines = text.split("\n");

  it("names counter families without _total while samples keep it, and ends with # EOF", () => {
    expect(lines).toContain("# TYPE qingyu_http_requests counter");
    expect(lines[0]?.startsWith("# HELP qingyu_http_requests ")).toBe(true);
    expect(lines).toContain('qingyu_http_requests_total{method="GET",route="/api/v1/system/health/:service",status="2xx",shard="0"} 3');
    expect(text.endsWith("# EOF\n")).toBe(true);
  });

  it("keeps histogram and gauge family names", () => {
    expect(lines).toContain("# TYPE qingyu_http_request_duration_seconds histogram");
    expect(lines).toContain("# TYPE qingyu_http_requests_in_flight gauge");
  });
});

describe("content negotiation (happy)", () => {
  it("answers OpenMetrics to Prometheus's Accept header, text otherwise", () => {
    const prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    expect(negotiateFormat(prometheus)).toBe("openmetrics");
    expect(negotiateFormat("text/plain;version=0.0.4")).toBe("prometheus");
    expect(negotiateFormat(null)).toBe("prometheus");
    expect(negotiateFormat("*/*")).toBe("prometheus");
    expect(negotiateFormat("application/openmetrics-text;q=0")).toBe("prometheus");
    expect(CONTENT_TYPES.openmetrics).toContain("application/openmetrics-text; version=1.0.0");
    expect(CONTENT_TYPES.prometheus).toBe("text/plain; version=0.0.4; charset=utf-8");
  });
});
