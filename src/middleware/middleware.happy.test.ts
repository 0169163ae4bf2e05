import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";

const api = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://api.test${path}`, init));

describe("request id", () => {
  it("echoes a valid X-Request-ID and puts it in the envelope", async () => {
    const response = await api("/api/v1/system/ping", { headers: { "X-Request-ID": "client-abc-123" } });
    expect(response.headers.get("x-request-id")).toBe("client-abc-123");
    expect(await response.json()).toMatchObject({ code: 0, request_id: "client-abc-123" });
  });

  it("uses the W3C traceparent trace id when no X-Request-ID is sent", async () => {
    const response = await api("/api/v1/system/ping", { headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } });
    expect(response.headers.get("x-request-id")).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("replaces an id with unsafe characters by a fresh UUID", async () => {
    const response = await api("/api/v1/system/ping", { headers: { "X-Request-ID": "bad id<script>" } });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("security headers and CORS", () => {
  it("sets secure headers on every response, errors included", async () => {
    for (const path of ["/api/v1/system/ping", "/nope"]) {
      const response = await api(path);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    }
  });

  it("allows an origin on the allowlist", async () => {
    const response = await api("/api/v1/system/ping", { headers: { Origin: "https://app.qingyu.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.qingyu.example");
  });

  it("answers a preflight from an allowed origin", async () => {
    const response = await api("/api/v1/system/ping", {
      method: "OPTIONS",
      headers: { Origin: "https://app.qingyu.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("gives an origin not on the allowlist no CORS grant", async () => {
    const response = await api("/api/v1/system/ping", { headers: { Origin: "https://evil.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("access log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes one JSON line per request with the route template and no credentials", async () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => void lines.push(String(line)));
    }
    await api("/api/v1/system/health/nope?token=abc", { headers: { Authorization: "Bearer sekret-token", "X-Request-ID": "log-test-1" } });
    const mine = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.request_id === "log-test-1");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: "warn", msg: "request", method: "GET", route: "/api/v1/system/health/:service", status: 404 });
    expect(typeof mine[0]?.duration_ms).toBe("number");
    expect(lines.join("\n")).not.toContain("sekret-token");
  });
});
