import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { consume } from "../../test/workerd/quota";

type StreamMessage =
  { type: "snapshot"; quotas: unknown[] } | { type: "level"; quota: { level: string }; previousLevel: string; event: { level: string } | null };

describe("quota stream over WebSocket (happy)", () => {
  it("sends a snapshot on connect and the level change within 1 s of the consume that caused it", async () => {
    const { pair } = await registerUser();
    const { ticket } = (await envelope<{ ticket: string }>(await api("/api/v1/ai/quota/stream/ticket", { method: "POST", token: pair.token }), 200)).data;
    const response = await api(`/api/v1/ai/quota/stream?ticket=${ticket}`, { headers: { Upgrade: "websocket" } });
    expect(response.status).toBe(101);
    const socket = response.webSocket;
    if (!socket) throw new Error("no WebSocket in the response");
    const messages: StreamMessage[] = [];
    let onMessage: (() => void) | undefined;
    socket.addEventListener("message", (event) => {
      messages.push(JSON.parse(String(event.data)) as StreamMessage);
      onMessage?.();
    });
    socket.accept();
    const next = (predicate: (message: StreamMessage) => boolean, timeoutMs: number) =>
      new Promise<StreamMessage>((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (found) resolve(found);
        };
        onMessage = check;
        check();
        setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)), timeoutMs);
      });

    const snapshot = await next((message) => message.type === "snapshot", 2000);
    expect(snapshot.type === "snapshot" && snapshot.quotas.length).toBe(3);

    const started = Date.now();
    expect((await consume(pair.user_id, 8_500)).status).toBe(200);
    const change = await next((message) => message.type === "level", 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(change).toMatchObject({ type: "level", previousLevel: "ok", quota: { level: "warning" }, event: { level: "warning" } });
    socket.close(1000, "done");
  });

  it("without an Upgrade header the stream answers 426 in the envelope (code 1010)", async () => {
    const { pair } = await registerUser();
    expect((await envelope(await api("/api/v1/ai/quota/stream", { token: pair.token }), 426)).code).toBe(1010);
  });
});
