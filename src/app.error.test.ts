import { createRoute, z } from "@hono/zod-openapi";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newApp } from "./app";
import { bodyLimit } from "./middleware/body-limit";
import { configMiddleware } from "./middleware/config";
import { commonErrorResponses } from "./errors";
import { envelopeOf, jsonContent, ok } from "./lib/envelope";

const api = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://api.test${path}`, init));

type Envelope = { code: number; message: string; data: { details?: Record<string, unknown> } | null; timestamp: number; request_id: string };

async function expectEnvelope(response: Response, status: number, code: number): Promise<Envelope> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await response.json<Envelope>();
  expect(body).toMatchObject({ code, message: expect.any(String), timestamp: expect.any(Number), request_id: expect.any(String) });
  expect(body.request_id).toBe(response.headers.get("x-request-id"));
  return body;
}

/** A JSON route built with the same factory every real route uses. */
function appWithJsonRoute() {
  const app = newApp();
  app.use(configMiddleware(), bodyLimit());
  const route = createRoute({
    method: "post",
    path: "/things",
    request: { body: { required: true, content: { "application/json": { schema: z.object({ name: z.string().min(3), count: z.number().int().positive() }) } } } },
    responses: { 200: jsonContent(envelopeOf(z.object({ name: z.string() })), "created"), ...commonErrorResponses },
  });
  app.openapi(route, (c) => ok(c, { name: c.req.valid("json").name }));
  return app;
}

describe("error envelope (error)", () => {
  it("unknown route → 404 envelope, code 1004", async () => {
    const body = await expectEnvelope(await api("/no/such/route"), 404, 1004);
    expect(body.message).toContain("/no/such/route");
  });

  it("wrong method → 405 envelope, code 1005, with Allow", async () => {
    const response = await api("/health/live", { method: "DELETE" });
    await expectEnvelope(response, 405, 1005);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("path parameters count when telling 405 from 404", async () => {
    await expectEnvelope(await api("/api/v1/system/health/redis", { method: "POST" }), 405, 1005);
    await expectEnvelope(await api("/api/v1/system/health/redis/extra", { method: "POST" }), 404, 1004);
  });

  it("oversized body → 413 envelope before any route runs", async () => {
    const response = await api("/api/v1/system/ping", { method: "POST", body: "x".repeat(102_401), headers: { "content-type": "application/json" } });
    await expectEnvelope(response, 413, 1008);
  });

  it("oversized streamed body (no Content-Length) → 413", async () => {
    const chunk = new TextEncoder().encode("y".repeat(50_000));
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = new Request("https://api.test/things", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    await expectEnvelope(await appWithJsonRoute().fetch(request, env), 413, 1008);
  });

  it("malformed JSON → 400 envelope, code 1001", async () => {
    const response = await appWithJsonRoute().request("/things", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } }, env);
    const body = await expectEnvelope(response, 400, 1001);
    expect(body.message.toLowerCase()).toContain("json");
  });

  it("invalid fields → 400 with per-field details", async () => {
    const response = await appWithJsonRoute().request("/things", { method: "POST", body: JSON.stringify({ name: "x", count: -1 }), headers: { "content-type": "application/json" } }, env);
    const body = await expectEnvelope(response, 400, 1001);
    expect(Object.keys(body.data?.details ?? {}).sort()).toEqual(["json.count", "json.name"]);
  });

  it("an unexpected exception → 500 envelope without internals", async () => {
    const app = newApp();
    app.get("/boom", () => {
      throw new Error("secret internal detail");
    });
    const response = await app.request("/boom");
    const body = await expectEnvelope(response, 500, 5000);
    expect(JSON.stringify(body)).not.toContain("secret internal detail");
  });

  it("unknown service → 404 with the known names", async () => {
    const body = await expectEnvelope(await api("/api/v1/system/health/mongo"), 404, 1004);
    expect(body.data?.details?.known).toEqual(["redis", "d1", "r2", "messaging", "quota_counter", "wallet", "config_store", "metrics_shard"]);
  });
});
