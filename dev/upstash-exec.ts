/**
 * Redis side of the Upstash REST bridge (see upstash-bridge.ts): the shared
 * ioredis connection, command validation, single / pipeline / MULTI-EXEC
 * execution and the Upstash reply encoding.
 */
import { createRequire } from "node:module";

// Loaded through Node's own require: vitest's module runner (with the workerd
// plugin's resolve conditions) mangles ioredis's CommonJS named exports.
const { Command, Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
type Redis = import("ioredis").Redis;

/** One command argument: JSON strings, or the raw body of a path-style POST. */
export type Arg = string | Buffer;

/** An error that maps to an HTTP status and an Upstash `{"error": ...}` body. */
export class BridgeError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** One slot of a /pipeline or /multi-exec reply, before encoding. */
export type Slot = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Commands that change the state of the *connection*. The bridge multiplexes
 * every HTTP request over one connection, so letting a client send e.g. MULTI
 * or SELECT would leak into other requests (and break /multi-exec atomicity).
 */
const CONNECTION_STATE = new Set([
  "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SELECT", "HELLO", "AUTH", "RESET", "QUIT",
  "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
  "MONITOR", "SYNC", "PSYNC", "REPLCONF", "SHUTDOWN",
]);
/** Blocking commands would stall every other request queued behind them on the connection. */
const BLOCKING = new Set([
  "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF",
]);

/**
 * A Command whose reply is handed back untouched: raw Buffers (so binary
 * values survive base64 mode) and no ioredis reply transformers (HGETALL would
 * otherwise become an object instead of Upstash's flat array).
 */
class RawCommand extends Command {
  transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

/** Opens the bridge's single shared connection. */
export function connectRedis(url: string, log: (line: string) => void): Redis {
  const redis = new Redis(url, {
    // RESP2 replies are exactly what Upstash serves (no maps/doubles/booleans).
    protocol: 2,
    // Fail fast instead of queueing while redis is down: the bridge answers 503
    // immediately and the caller decides whether to retry.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Constant short reconnect delay: a restarted redis-server is picked up
    // within ~100 ms, with no exponential backoff from a long outage.
    retryStrategy: () => 100,
    connectTimeout: 2_000,
    disableClientInfo: true,
    connectionName: "upstash-bridge",
  });
  let lastError = "";
  redis.on("error", (err: Error) => {
    // Reconnect attempts repeat the same error every 100 ms; log it once.
    if (err.message !== lastError) log(`redis error: ${err.message}`);
    lastError = err.message;
  });
  redis.on("ready", () => {
    if (lastError !== "") log("redis connection ready again");
    lastError = "";
  });
  return redis;
}

function commandName(cmd: readonly Arg[]): string {
  const first = cmd[0];
  return first === undefined ? "" : first.toString().toUpperCase();
}

/** Rejects commands the shared connection cannot serve safely; returns the error text or undefined. */
export function forbidden(cmd: readonly Arg[], inTransaction: boolean): string | undefined {
  const name = commandName(cmd);
  if (name === "") return "ERR empty command";
  const sub = cmd[1]?.toString().toUpperCase();
  const blocking = BLOCKING.has(name) || ((name === "XREAD" || name === "XREADGROUP") &&
    cmd.some((a) => a.toString().toUpperCase() === "BLOCK"));
  if (CONNECTION_STATE.has(name) || (name === "CLIENT" && (sub === "REPLY" || sub === "TRACKING")) ||
    (blocking && !inTransaction)) {
    return `ERR command '${name}' is not supported by the local Upstash bridge`;
  }
  return undefined;
}

/**
 * Validates one decoded JSON command: a non-empty array of strings, numbers or
 * booleans (the @upstash/redis serializer sends numbers and booleans as JSON
 * literals); they are stringified the way Upstash stores them.
 */
export function toCommand(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BridgeError(400, "ERR command must be a non-empty JSON array of strings");
  }
  const out: string[] = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v === "string") out[i] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[i] = String(v);
    else throw new BridgeError(400, `ERR command argument ${i} must be a string or a number`);
  }
  return out;
}

function send(redis: Redis, cmd: readonly Arg[]): Promise<unknown> {
  const command = new RawCommand(commandName(cmd), cmd.slice(1), { replyEncoding: null });
  redis.sendCommand(command);
  return command.promise;
}

/** ioredis rejects with ReplyError for redis "-ERR" replies; anything else is transport trouble. */
function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === "ReplyError";
}

function unavailable(err: unknown): BridgeError {
  const message = err instanceof Error ? err.message : String(err);
  return new BridgeError(503, `redis unavailable: ${message}`);
}

/** Redis replies with an error → 400, connection trouble → 503. */
export async function runCommand(redis: Redis, cmd: readonly Arg[]): Promise<unknown> {
  const denied = forbidden(cmd, false);
  if (denied !== undefined) throw new BridgeError(400, denied);
  try {
    return await send(redis, cmd);
  } catch (err) {
    throw isReplyError(err) ? new BridgeError(400, err.message) : unavailable(err);
  }
}

/** Runs commands back to back without atomicity; each slot fails independently. */
export async function runPipeline(redis: Redis, cmds: readonly Arg[][]): Promise<Slot[]> {
  const pending = withCork(redis, () => cmds.map((cmd) => {
    const denied = forbidden(cmd, false);
    return denied === undefined ? send(redis, cmd) : Promise.reject(new BridgeError(400, denied));
  }));
  const settled = await Promise.allSettled(pending);
  return settled.map((s): Slot => {
    if (s.status === "fulfilled") return { ok: true, value: s.value };
    const reason: unknown = s.reason;
    if (isReplyError(reason) || reason instanceof BridgeError) return { ok: false, error: reason.message };
    throw unavailable(reason);
  });
}

/**
 * Runs commands inside MULTI/EXEC on the shared connection.
 *
 * Why this is atomic with many concurrent HTTP requests: MULTI state is per
 * connection, and MULTI, every queued command and EXEC are handed to ioredis
 * in one synchronous loop. ioredis writes each command to the socket during
 * sendCommand (offline queue disabled, so nothing is deferred), and Node runs
 * no other request's code inside that loop, so no foreign command can land
 * between our MULTI and EXEC. Corking turns the block into a single write.
 * If the connection is not ready every send rejects and nothing is applied.
 */
export async function runMulti(redis: Redis, cmds: readonly Arg[][]): Promise<Slot[]> {
  for (const cmd of cmds) {
    const denied = forbidden(cmd, true);
    if (denied !== undefined) throw new BridgeError(400, denied);
  }
  if (redis.status !== "ready") throw unavailable(new Error(`connection is ${redis.status}`));
  const [begin, queued, exec] = withCork(redis, () => {
    const b = send(redis, ["MULTI"]);
    const q = cmds.map((cmd) => send(redis, cmd));
    return [b, q, send(redis, ["EXEC"])] as const;
  });
  const [, queuedResults, execResult] = await Promise.all([
    begin.catch(() => undefined),
    Promise.allSettled(queued),
    exec.then((value) => ({ value }), (error: unknown) => ({ error })),
  ]);
  if ("error" in execResult) {
    if (!isReplyError(execResult.error)) throw unavailable(execResult.error);
    // EXECABORT: say which command was rejected at queue time.
    const index = queuedResults.findIndex((r) => r.status === "rejected");
    const first = queuedResults[index];
    const detail = first?.status === "rejected" && first.reason instanceof Error
      ? ` (command ${index + 1}: ${first.reason.message})` : "";
    throw new BridgeError(400, `${execResult.error.message}${detail}`);
  }
  const replies = execResult.value;
  if (!Array.isArray(replies)) throw new BridgeError(400, "ERR transaction aborted");
  return replies.map((r: unknown): Slot => (r instanceof Error ? { ok: false, error: r.message } : { ok: true, value: r }));
}

/** Buffers the socket writes made by `fn` into one syscall (when connected). */
function withCork<T>(redis: Redis, fn: () => T): T {
  const stream = redis.status === "ready" ? redis.stream : undefined;
  stream?.cork();
  try {
    return fn();
  } finally {
    stream?.uncork();
  }
}

/**
 * Converts a raw RESP2 reply into Upstash's JSON shape: integers stay numbers,
 * nil stays null, strings (bulk *and* status replies such as "OK"/"PONG")
 * become base64 of the raw bytes when `base64` is set, else UTF-8 text.
 */
export function encodeReply(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === "number") return reply;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (Array.isArray(reply)) {
    const out: unknown[] = new Array<unknown>(reply.length);
    for (let i = 0; i < reply.length; i++) out[i] = encodeReply(reply[i], base64);
    return out;
  }
  // Errors nested in arrays (e.g. from a Lua script) travel as their message.
  const text = reply instanceof Error ? reply.message : String(reply);
  return base64 ? Buffer.from(text, "utf8").toString("base64") : text;
}
