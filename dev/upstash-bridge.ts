/**
 * A local Upstash Redis REST API in front of a real redis-server, so the real
 * `@upstash/redis` client (Workers code, tests, benchmarks) runs unchanged
 * against local Redis.
 *
 * Protocol (as @upstash/redis 1.x speaks it):
 *   POST /            ["SET","k","v"]            → {"result": ...}
 *   POST /pipeline    [["INCR","a"],["GET","b"]] → [{"result":...}|{"error":...}, ...]
 *   POST /multi-exec  same, atomically           → same, or 400 {"error"} on EXECABORT
 *   GET|POST /set/k/v (path style; POST body appended as last argument)
 * Every path needs `Authorization: Bearer <token>`. With `Upstash-Encoding:
 * base64` every string in a result is base64 of its raw bytes.
 *
 * CLI: node dev/upstash-bridge.ts --port 8079 --redis redis://127.0.0.1:6379 --token xxx
 *      (or the token in UPSTASH_REDIS_REST_TOKEN, which keeps it out of `ps`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { realpathSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  type Arg, BridgeError, type Slot, connectRedis, encodeReply, runCommand, runMulti, runPipeline, toCommand,
} from "./upstash-exec.ts";
import { parseJson, pathCommand, readBody } from "./upstash-http.ts";

/** Options for {@link startUpstashBridge}. */
export interface UpstashBridgeOptions {
  port: number;
  /** Interface to listen on; default 127.0.0.1 (never expose this publicly). */
  host?: string;
  /** The bearer token clients must present (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** e.g. redis://127.0.0.1:6379 */
  redisUrl: string;
  /** Larger request bodies get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Lifecycle and redis connection messages (never request headers or the token). */
  log?: (line: string) => void;
}

/** A running bridge. */
export interface UpstashBridge {
  /** Base URL for `new Redis({ url, token })`, e.g. http://127.0.0.1:8079 */
  url: string;
  port: number;
  /** Closes the HTTP server, its keep-alive sockets and the redis connection. */
  stop(): Promise<void>;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

const digest = (value: string): Buffer => createHash("sha256").update(value).digest();

/**
 * Starts the bridge and resolves once it listens. It waits briefly for the
 * redis connection but does not require it: without redis every command gets
 * 503, and the bridge recovers on its own once redis is back.
 */
export async function startUpstashBridge(opts: UpstashBridgeOptions): Promise<UpstashBridge> {
  const host = opts.host ?? "127.0.0.1";
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const log = opts.log ?? (() => {});
  // Compare fixed-length digests so timingSafeEqual never sees unequal lengths
  // and the comparison time reveals nothing about the token.
  const expected = digest(`Bearer ${opts.token}`);
  const redis = connectRedis(opts.redisUrl, log);

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization;
    return header !== undefined && timingSafeEqual(digest(header), expected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!authorized(req)) throw new BridgeError(401, "Unauthorized");
    const method = req.method;
    if (method !== "POST" && method !== "GET") {
      res.setHeader("allow", "GET, POST");
      throw new BridgeError(405, `method ${method ?? "?"} not allowed`);
    }
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const body = method === "POST" ? await readBody(req, maxBodyBytes) : undefined;
    const base64 = req.headers["upstash-encoding"] === "base64";

    if (path === "/pipeline" || path === "/multi-exec") {
      if (body === undefined) throw new BridgeError(405, `${path} needs POST`);
      const value = parseJson(body);
      if (!Array.isArray(value)) throw new BridgeError(400, "ERR body must be a JSON array of commands");
      const cmds = value.map(toCommand);
      const slots = path === "/pipeline" ? await runPipeline(redis, cmds) : await runMulti(redis, cmds);
      return reply(res, 200, JSON.stringify(slots.map((s) => encodeSlot(s, base64))));
    }
    let cmd: Arg[];
    if (path === "/" || path === "") {
      if (body === undefined) throw new BridgeError(400, "ERR empty command");
      cmd = toCommand(parseJson(body));
    } else {
      cmd = pathCommand(path);
      if (body !== undefined && body.length > 0) cmd.push(body);
    }
    const result = await runCommand(redis, cmd);
    reply(res, 200, JSON.stringify({ result: encodeReply(result, base64) }));
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof BridgeError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status === 500) log(`internal error: ${message}`);
      if (status === 413) res.setHeader("connection", "close");
      if (!res.headersSent) reply(res, status, JSON.stringify({ error: message }));
      else res.destroy();
    });
  });
  // Benchmarks reuse connections across pauses; the Node default (5 s) would
  // make clients reconnect, which is exactly the overhead we want to avoid.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    // e.g. EADDRINUSE: do not leave a reconnecting redis client behind.
    redis.disconnect();
    throw err;
  }
  // A redis URL may carry a password; keep it out of the logs like the token.
  const redisForLog = opts.redisUrl.replace(/\/\/[^@/]*@/, "//***@");
  await waitReady(redis, 2_000).catch(() => log(`redis at ${redisForLog} not ready yet; serving 503 until it is`));

  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : opts.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log(`upstash bridge listening on ${url} -> ${redisForLog}`);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        redis.disconnect();
      });
      return stopped;
    },
  };
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, JSON_HEADERS);
  res.end(body);
}

function encodeSlot(slot: Slot, base64: boolean): { result: unknown } | { error: string } {
  return slot.ok ? { result: encodeReply(slot.value, base64) } : { error: slot.error };
}

function waitReady(redis: ReturnType<typeof connectRedis>, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error("timeout"));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8079" },
      host: { type: "string", default: "127.0.0.1" },
      redis: { type: "string", default: "redis://127.0.0.1:6379" },
      token: { type: "string" },
    },
  });
  const token = values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN;
  if (token === undefined || token === "") {
    throw new Error("no token: pass --token or set UPSTASH_REDIS_REST_TOKEN");
  }
  const bridge = await startUpstashBridge({
    port: Number(values.port),
    host: values.host,
    token,
    redisUrl: values.redis,
    log: (line) => console.error(`[upstash-bridge] ${line}`),
  });
  console.log(bridge.url);
  const shutdown = (): void => {
    void bridge.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

/** True when this file is the process entry point (`node dev/upstash-bridge.ts`), not an import. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
