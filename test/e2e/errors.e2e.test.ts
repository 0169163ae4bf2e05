import { describe, expect, it } from "vitest";
import { call, type Envelope } from "../support/http.ts";

async function envelope(response: Response): Promise<Envelope> {
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = (await response.json()) as Envelope;
  expect(body.request_id).toBe(response.headers.get("x-request-id"));
  return body;
}

describe("errors over HTTP on the real stack (error)", () => {
  it("unknown route → 404 envelope 1004", async () => {
    const response = await call("/api/v1/definitely/not/here");
    expect(response.status).toBe(404);
    expect((await envelope(response)).code).toBe(1004);
  });

  it("wrong method → 405 envelope 1005 with Allow", async () => {
    const response = await call("/api/v1/system/ping", { method: "PUT", json: {} });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toContain("GET");
    expect((await envelope(response)).code).toBe(1005);
  });

  it("oversized body → 413 envelope 1008", async () => {
    const response = await call("/api/v1/system/ping", { method: "POST", body: "z".repeat(200_000), headers: { "content-type": "application/json" } });
    expect(response.status).toBe(413);
    expect((await envelope(response)).code).toBe(1008);
  });

  it("no route answers 5xx to odd input", async () => {
    const odd = ["/api/v1/system/health/%00", "/api/v1/system/health/" + "x".repeat(500), "/health/ready?x=" + "%ff".repeat(100), "/openapi.json/.."];
    for (const path of odd) {
      const response = await call(path);
      expect(response.status, path).toBeLessThan(500);
    }
  });
});

describe("the real stack (happy)", () => {
  it("/health/ready: Redis, D1 and all Durable Objects healthy", async () => {
    const response = await call("/health/ready");
    const report = (await response.json()) as { status: string; checks: Array<{ name: string; status: string }> };
    expect(response.status).toBe(200);
    expect(Object.fromEntries(report.checks.map((check) => [check.name, check.status]))).toEqual({
      redis: "healthy",
      d1: "healthy",
      r2: "healthy",
      messaging: "healthy",
      quota_counter: "healthy",
      wallet: "healthy",
      config_store: "healthy",
      metrics_shard: "healthy",
    });
  });

  it("/api/v1/system/health answers the same report in the envelope", async () => {
    const body = (await (await call("/api/v1/system/health")).json()) as Envelope<{ status: string; checks: unknown[] }>;
    expect(body.code).toBe(0);
    expect(body.data.checks).toHaveLength(8);
  });
});
