import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SECURE_HEADERS } from "./response-headers";

const api = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://api.test${path}`, init));

describe("response headers assembled once", () => {
  it("a JSON envelope carries every secure header, CORS, Vary, the request id and its exact length", async () => {
    const response = await api("/api/v1/system/ping", { headers: { Origin: "https://app.qingyu.example", "X-Request-ID": "assembled-1" } });
    for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.qingyu.example");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-expose-headers")).toContain("X-Request-ID");
    expect(response.headers.get("vary")).toBe("Origin");
    expect(response.headers.get("x-request-id")).toBe("assembled-1");
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get("content-length"))).toBe(body.byteLength);
  });

  it("a response not made by c.json (the OpenAPI document, a preflight) gets the same headers afterwards", async () => {
    const document = await api("/openapi.json", { headers: { "X-Request-ID": "assembled-2" } });
    expect(document.status).toBe(200);
    const preflight = await api("/api/v1/system/ping", {
      method: "OPTIONS",
      headers: { Origin: "https://app.qingyu.example", "Access-Control-Request-Method": "GET" },
    });
    for (const response of [document, preflight]) {
      for (const [name, value] of Object.entries(SECURE_HEADERS)) expect(response.headers.get(name), name).toBe(value);
      expect(response.headers.get("x-powered-by")).toBeNull();
    }
    expect(document.headers.get("x-request-id")).toBe("assembled-2");
  });

  it("an error envelope keeps the headers its error carries (405 Allow) next to the secure headers", async () => {
    const response = await api("/api/v1/system/ping", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toContain("GET");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
