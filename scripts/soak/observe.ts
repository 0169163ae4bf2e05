/**
 * What the soak reads beside the traffic: Redis memory and keys (straight from
 * redis-server, as an operator would), the largest session hash and the
 * revocation set, and the API Worker isolate's V8 heap through its DevTools
 * inspector (`Runtime.getHeapUsage`, the call Chrome's memory panel uses).
 */
import { createRequire } from "node:module";
import WebSocket from "ws";

const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");

export interface RedisFigures {
  usedMemoryBytes: number;
  keys: number;
  keysByPrefix: Record<string, number>;
  largestSessionFields: number;
  revocationMembers: number;
}

/** Memory, key counts by prefix (up to the first ':'), the largest `sess:*` hash and the revocation set size. */
export async function redisFigures(url: string): Promise<RedisFigures> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const info = await redis.info("memory");
    const usedMemoryBytes = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const keys = await redis.dbsize();
    const keysByPrefix: Record<string, number> = {};
    let largestSessionFields = 0;
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of batch) {
        const prefix = key.includes(":") ? key.slice(0, key.indexOf(":")) : key;
        keysByPrefix[prefix] = (keysByPrefix[prefix] ?? 0) + 1;
        if (key.startsWith("sess:")) largestSessionFields = Math.max(largestSessionFields, await redis.hlen(key));
      }
    } while (cursor !== "0");
    return { usedMemoryBytes, keys, keysByPrefix, largestSessionFields, revocationMembers: await redis.zcard("revocations") };
  } finally {
    redis.disconnect();
  }
}

/** The API isolate's V8 heap (used and total bytes), or why it could not be read. */
export async function isolateHeap(inspectorPort: number): Promise<{ usedBytes: number; totalBytes: number } | { unavailable: string }> {
  try {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(5000) })).json()) as Array<{ webSocketDebuggerUrl?: string }>;
    const url = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
    if (!url) return { unavailable: "the inspector lists no debuggable target" };
    // The `ws` client, as bench/profiler.ts: Node's built-in WebSocket could not connect to wrangler's inspector proxy.
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      // The inspector proxy can accept the connection and never finish the upgrade: never wait on it unbounded.
      const timer = setTimeout(() => (socket.terminate(), reject(new Error("the inspector did not open within 5 s"))), 5000);
      socket.once("open", () => (clearTimeout(timer), resolve()));
      socket.once("error", (error) => (clearTimeout(timer), reject(error)));
    });
    try {
      const answer = await new Promise<{ result?: { usedSize: number; totalSize: number }; error?: { message: string } }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no answer to Runtime.getHeapUsage within 5 s")), 5000);
        socket.on("message", (data) => {
          const message = JSON.parse(String(data)) as { id?: number; result?: { usedSize: number; totalSize: number }; error?: { message: string } };
          if (message.id === 1) (clearTimeout(timer), resolve(message));
        });
        socket.send(JSON.stringify({ id: 1, method: "Runtime.getHeapUsage", params: {} }));
      });
      if (!answer.result || typeof answer.result.usedSize !== "number") return { unavailable: `Runtime.getHeapUsage answered ${JSON.stringify(answer.error ?? answer)}` };
      return { usedBytes: answer.result.usedSize, totalBytes: answer.result.totalSize };
    } finally {
      socket.close();
    }
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}
