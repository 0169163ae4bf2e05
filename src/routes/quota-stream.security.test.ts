import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashRefreshToken } from "../auth/session-store";
import { createApp } from "../index";
import { getRedis } from "../services/redis";
import { api, envelope, registerUser } from "../../test/workerd/api";

const upgrade = { Upgrade: "websocket" };
const ticketFor = async (token: string) =>
  (await envelope<{ ticket: string; expires_in: number }>(await api("/api/v1/ai/quota/stream/ticket", { method: "POST", token }), 200)).data;

afterEach(() => vi.restoreAllMocks());

describe("quota stream tickets (security)", () => {
  it("a JWT in the URL is no longer accepted: ?access_token= → 401 code 2010 (missing token)", async () => {
    const { pair } = await registerUser();
    const response = await api(`/api/v1/ai/quota/stream?access_token=${pair.token}`, { headers: upgrade });
    expect((await envelope(response, 401)).code).toBe(2010);
  });

  it("a ticket opens the stream once; the second use, a made-up ticket and an empty one → 401 code 2008", async () => {
    const { pair } = await registerUser();
    const { ticket, expires_in } = await ticketFor(pair.token);
    expect(expires_in).toBe(30);
    const first = await api(`/api/v1/ai/quota/stream?ticket=${ticket}`, { headers: upgrade });
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close(1000, "done");
    for (const used of [ticket, "made-up-ticket", ""]) {
      expect((await envelope(await api(`/api/v1/ai/quota/stream?ticket=${used}`, { headers: upgrade }), 401)).code).toBe(2008);
    }
  });

  it("concurrent uses of one ticket: exactly one opens the stream (consumed atomically)", async () => {
    const { pair } = await registerUser();
    const { ticket } = await ticketFor(pair.token);
    const responses = await Promise.all(Array.from({ length: 10 }, () => api(`/api/v1/ai/quota/stream?ticket=${ticket}`, { headers: upgrade })));
    expect(responses.filter((response) => response.status === 101)).toHaveLength(1);
    for (const response of responses) response.webSocket?.accept();
    for (const response of responses) response.webSocket?.close(1000, "done");
  });

  it("a ticket lives 30 s at most in Redis, under its hash only", async () => {
    const { pair } = await registerUser();
    const { ticket } = await ticketFor(pair.token);
    const redis = getRedis(env);
    const ttl = await redis.pttl(`stk:${await hashRefreshToken(ticket)}`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await redis.exists(`stk:${ticket}`)).toBe(0);
  });

  it("a ticket of a token logged out meanwhile is refused (2016): the ticket stands for the token, checked as usual", async () => {
    const { pair } = await registerUser();
    const { ticket } = await ticketFor(pair.token);
    await envelope(await api("/api/v1/shared/auth/logout", { method: "POST", token: pair.token }), 200);
    expect((await envelope(await api(`/api/v1/ai/quota/stream?ticket=${ticket}`, { headers: upgrade }), 401)).code).toBe(2016);
  });

  it("no log line at debug level carries the ticket or the token, even when the request fails", async () => {
    const { pair } = await registerUser();
    const { ticket } = await ticketFor(pair.token);
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" ")));
    }
    const debugEnv = { ...env, LOG_LEVEL: "debug" } as Env;
    const app = createApp();
    for (const query of [`ticket=${ticket}`, `ticket=${ticket}`, `access_token=${pair.token}`]) {
      const response = await app.fetch(new Request(`https://api.test/api/v1/ai/quota/stream?${query}`, { headers: upgrade }), debugEnv, createExecutionContext());
      response.webSocket?.accept();
      response.webSocket?.close(1000, "done");
    }
    vi.restoreAllMocks();
    expect(lines.some((line) => line.includes("/api/v1/ai/quota/stream"))).toBe(true);
    expect(lines.filter((line) => line.includes(ticket) || line.includes(pair.token))).toEqual([]);
  });
});
