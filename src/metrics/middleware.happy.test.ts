import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newApp } from "../app";
import { NO_METRICS, type Metrics } from "./api";
import { metrics } from "./middleware";
import { MetricsPipeline } from "./pipeline";
import { shardName, type Sample } from "../../contract/metrics/wire";

const settings = { shards: 1, flushIntervalMs: 60_000, flushMaxSeries: 10_000, flushTimeoutMs: 5000, maxSeriesPerFamily: 1000 };

/** The app factory (envelope errors, 404s) with the metrics middleware on a test pipeline and routes unique to this run. */
function testApp(pipeline: MetricsPipeline | null) {
  const prefix = `/probe-${crypto.randomUUID().slice(0, 8)}`;
  const app = newApp();
  let seen: Metrics | undefined;
  app.use(metrics({ pipeline }));
  app.get(`${prefix}/:id`, (c) => {
    seen = c.var.metrics;
    return c.json({ id: c.req.param("id"), padding: "x".repeat(300) });
  });
  app.post(`${prefix}/:id`, async (c) => c.json(await c.req.json<unknown>(), 201));
  app.get(`${prefix}-boom`, () => {
    throw new Error("boom");
  });
  /** One request; `settle` waits for the waitUntil work (the flush) too. */
  const call = async (path: string, init?: RequestInit & { settle?: boolean }) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`https://api.test${path}`, init), env, ctx);
    const body = await response.text();
    if (init?.settle !== false) await waitOnExecutionContext(ctx);
    return { response, body };
  };
  return { prefix, call, seen: () => seen };
}

const shardSamples = async (): Promise<Sample[]> => (await env.METRICS_SHARD.getByName(shardName(0)).snapshot()).samples;
const find = (samples: Sample[], name: string, labels: string[]) =>
  samples.find((sample) => sample.name === name && sample.labels.join("|") === labels.join("|"));

describe("metrics middleware (happy)", () => {
  it("records HTTP families by route template and status class, and flushes them to the shard", async () => {
    const pipeline = new MetricsPipeline({ ...settings, flushIntervalMs: 50 });
    const { prefix, call } = testApp(pipeline);
    const first = await call(`${prefix}/42`);
    expect(first.response.status).toBe(200);
    expect(Number(first.response.headers.get("content-length"))).toBe(new TextEncoder().encode(first.body).byteLength);
    expect(JSON.parse(first.body)).toMatchObject({ id: "42" });
    await call(`${prefix}/43`);
    await call(`${prefix}/44`, { method: "POST", body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json", "content-length": "7" } });
    await call(`${prefix}-boom`);

    const samples = await shardSamples();
    const route = `${prefix}/:id`;
    expect(find(samples, "qingyu_http_requests_total", ["GET", route, "2xx"])).toMatchObject({ value: 2 });
    expect(find(samples, "qingyu_http_requests_total", ["POST", route, "2xx"])).toMatchObject({ value: 1 });
    expect(find(samples, "qingyu_http_requests_total", ["GET", `${prefix}-boom`, "5xx"])).toMatchObject({ value: 1 });
    expect(samples.some((sample) => sample.labels.includes(`${prefix}/42`))).toBe(false);
    expect(find(samples, "qingyu_http_request_duration_seconds", ["GET", route, "2xx"])).toMatchObject({ count: 2 });
    expect(find(samples, "qingyu_http_request_size_bytes", ["POST", route])).toMatchObject({ count: 1, sum: 7 });
    expect(find(samples, "qingyu_http_request_size_bytes", ["GET", route])).toMatchObject({ count: 2, sum: 0 });
    const responseSizes = find(samples, "qingyu_http_response_size_bytes", ["GET", route, "2xx"]);
    expect(responseSizes).toMatchObject({ count: 2 });
    expect(responseSizes?.kind === "histogram" && responseSizes.sum).toBeGreaterThan(600);
  });

  it("gives routes the recorder as c.var.metrics, and brings in-flight back to zero", async () => {
    const pipeline = new MetricsPipeline(settings);
    const { prefix, call, seen } = testApp(pipeline);
    await call(`${prefix}/1`, { settle: false });
    expect(seen()).toBe(pipeline.buffer);
    expect(find(pipeline.buffer.drain(), "qingyu_http_requests_in_flight", [])).toMatchObject({ value: 0 });
  });

  it("starts every batch afresh: requests after a drain land in the new batch, the drained one is left as sent", async () => {
    const pipeline = new MetricsPipeline(settings);
    const { prefix, call } = testApp(pipeline);
    const route = `${prefix}/:id`;
    await call(`${prefix}/1`, { settle: false });
    await call(`${prefix}/2`, { settle: false });
    const first = pipeline.buffer.drain();
    await call(`${prefix}/3`, { settle: false });
    const second = pipeline.buffer.drain();
    expect(find(first, "qingyu_http_requests_total", ["GET", route, "2xx"])).toMatchObject({ value: 2 });
    expect(find(first, "qingyu_http_request_duration_seconds", ["GET", route, "2xx"])).toMatchObject({ count: 2 });
    expect(find(second, "qingyu_http_requests_total", ["GET", route, "2xx"])).toMatchObject({ value: 1 });
    expect(find(second, "qingyu_http_response_size_bytes", ["GET", route, "2xx"])).toMatchObject({ count: 1 });
    expect(find(second, "qingyu_http_requests_in_flight", [])).toMatchObject({ value: 0 });
  });

  it("counts every request of a series over the cardinality cap as dropped, not only the first", async () => {
    // Room for one series per family: the first route fits, the second route's series are dropped.
    const pipeline = new MetricsPipeline({ ...settings, maxSeriesPerFamily: 1 });
    const { prefix, call } = testApp(pipeline);
    await call(`${prefix}/1`, { settle: false });
    for (let index = 0; index < 3; index++) await call(`${prefix}-boom`, { settle: false });
    const samples = pipeline.buffer.drain();
    expect(find(samples, "qingyu_http_requests_total", ["GET", `${prefix}/:id`, "2xx"])).toMatchObject({ value: 1 });
    expect(find(samples, "qingyu_http_requests_total", ["GET", `${prefix}-boom`, "5xx"])).toBeUndefined();
    // Three requests × (requests, duration, request size, response size) dropped.
    expect(find(samples, "qingyu_metrics_dropped_samples_total", ["cardinality"])).toMatchObject({ value: 12 });
  });

  it("labels unknown paths as unmatched, never with the raw path", async () => {
    const pipeline = new MetricsPipeline(settings);
    const { call } = testApp(pipeline);
    const { response } = await call("/definitely/not/a/route/12345", { settle: false });
    expect(response.status).toBe(404);
    const samples = pipeline.buffer.drain();
    expect(find(samples, "qingyu_http_requests_total", ["GET", "unmatched", "4xx"])).toMatchObject({ value: 1 });
    expect(JSON.stringify(samples)).not.toContain("12345");
  });

  it("measures JSON responses in UTF-8 bytes, ASCII or not, and says so in Content-Length", async () => {
    const pipeline = new MetricsPipeline({ ...settings, flushIntervalMs: 50 });
    const { prefix, call } = testApp(pipeline);
    const ascii = await call(`${prefix}/plain`);
    const cjk = await call(`${prefix}/${encodeURIComponent("青玉小说")}`);
    expect(JSON.parse(cjk.body)).toMatchObject({ id: "青玉小说" });
    const bytes = [ascii, cjk].map(({ body }) => new TextEncoder().encode(body).byteLength);
    expect(bytes[1]).toBeGreaterThan(cjk.body.length); // multi-byte characters: more bytes than UTF-16 units
    expect([ascii, cjk].map(({ response }) => Number(response.headers.get("content-length")))).toEqual(bytes);
    const size = find(await shardSamples(), "qingyu_http_response_size_bytes", ["GET", `${prefix}/:id`, "2xx"]);
    expect(size).toMatchObject({ count: 2, sum: (bytes[0] as number) + (bytes[1] as number) });
  });

  it("with metrics disabled records nothing and routes get the no-op recorder", async () => {
    const { prefix, call, seen } = testApp(null);
    const { response } = await call(`${prefix}/1`);
    expect(response.status).toBe(200);
    expect(seen()).toBe(NO_METRICS);
  });

  it("is part of the real API: its responses carry their length", async () => {
    const response = await exports.default.fetch(new Request("https://api.test/health/live"));
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(Number(response.headers.get("content-length"))).toBe(new TextEncoder().encode(body).byteLength);
  });
});
