/** Live push: a WebSocket held by the user's object (hibernation API) gets a snapshot and every level change. */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { QuotaStreamMessage } from "../contract/quota/results";
import { freshCounter, ok, testPolicy } from "../test/workerd/quota-counter-object";

type Client = { socket: WebSocket; messages: Array<QuotaStreamMessage | string>; next(match: (message: QuotaStreamMessage | string) => boolean, timeoutMs?: number): Promise<QuotaStreamMessage | string> };

async function connect(stub: ReturnType<typeof freshCounter>): Promise<Client> {
  const response = await stub.fetch("https://quota.internal/stream", { headers: { Upgrade: "websocket" } });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error("no WebSocket in the 101 response");
  socket.accept();
  const messages: Array<QuotaStreamMessage | string> = [];
  const waiters: Array<() => void> = [];
  socket.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : "";
    messages.push(text.startsWith("{") ? (JSON.parse(text) as QuotaStreamMessage) : text);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (match: (message: QuotaStreamMessage | string) => boolean, timeoutMs = 1_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
  };
  return { socket, messages, next };
}

const isLevel = (level: string) => (message: QuotaStreamMessage | string) => typeof message !== "string" && message.type === "level" && message.event?.level === level;

describe("QuotaCounter live stream", () => {
  it("sends a snapshot on connect and the level change within 1 s of the consume that caused it", async () => {
    const stub = freshCounter("ws");
    const policy = testPolicy({ daily: 10 });
    ok(await stub.getAllQuotas(policy));
    const client = await connect(stub);
    const snapshot = await client.next((message) => typeof message !== "string" && message.type === "snapshot");
    expect(snapshot).toMatchObject({ type: "snapshot", quotas: [{ quotaType: "daily", remainingQuota: 10 }, { quotaType: "monthly" }, { quotaType: "total" }] });

    const started = Date.now();
    const result = ok(await stub.consume({ amount: 8, service: "chat", requestId: "c1" }, policy));
    const pushed = await client.next(isLevel("warning"), 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(pushed).toMatchObject({ type: "level", previousLevel: "ok", quota: { remainingQuota: 2, level: "warning" }, event: { id: result.events[0]?.id } });
    client.socket.close(1000, "done");
  });

  it("keeps pushing after the object is evicted (hibernated sockets survive)", async () => {
    const stub = freshCounter("ws-hibernate");
    const policy = testPolicy({ daily: 10 });
    ok(await stub.getAllQuotas(policy));
    const client = await connect(stub);
    await client.next((message) => typeof message !== "string" && message.type === "snapshot");
    await evictDurableObject(stub);
    ok(await stub.consume({ amount: 10, service: "chat", requestId: "c1" }, policy));
    await client.next(isLevel("exhausted"));
    expect(client.messages.filter((message) => typeof message !== "string" && message.type === "level").map((message) => typeof message !== "string" && message.type === "level" && message.event?.level)).toEqual([
      "warning",
      "critical",
      "exhausted",
    ]);
    client.socket.close(1000, "done");
  });

  it("answers `snapshot` with the current state and `ping` with `pong`", async () => {
    const stub = freshCounter("ws-messages");
    const policy = testPolicy({ daily: 10 });
    ok(await stub.consume({ amount: 3, service: "chat", requestId: "c1" }, policy));
    const client = await connect(stub);
    client.socket.send("ping");
    await client.next((message) => message === "pong");
    client.messages.length = 0;
    client.socket.send("snapshot");
    expect(await client.next((message) => typeof message !== "string" && message.type === "snapshot")).toMatchObject({ quotas: [{ usedQuota: 3 }, {}, {}] });
    client.socket.close(1000, "done");
  });

  it("refuses a plain request with 426", async () => {
    const response = await freshCounter("ws-plain").fetch("https://quota.internal/stream");
    expect(response.status).toBe(426);
  });
});
