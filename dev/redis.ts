/**
 * Runs a private, loopback-only redis-server child process for the dev stack
 * and the tests (one per test file, each on its own port and temp dir).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants as fsConstants, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { waitFor } from "./net.ts";

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Working directory for the AOF files; created if missing. */
  dir: string;
  /** Append-only persistence (survives restarts of the same dir). Default true. */
  persist?: boolean;
  /** Receives redis-server's output, one line at a time. */
  log?: (line: string) => void;
}

/** A running (or stopped and restartable) redis-server child. */
export interface RedisProcess {
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** SIGTERM, then SIGKILL after 5 s. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL at once: no AOF rewrite or fsync on the way out (a crash). Safe to call twice. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir after {@link RedisProcess.stop}. */
  start(): Promise<void>;
  running(): boolean;
}

const NOT_FOUND = "redis-server not found on PATH. Install it: sudo apt-get install -y redis-server";
const READY_TIMEOUT_MS = 10_000;
const KILL_AFTER_MS = 5_000;
const TAIL_LINES = 40;

/** Children still alive, so a crashing test run does not leave servers behind. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Returns the absolute path of `redis-server` on PATH, or throws a one-line
 * Error with the install hint. Launchers call it before starting anything so
 * that a missing binary fails fast instead of after half the stack is up.
 */
export function findRedisServer(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error(NOT_FOUND);
}

/**
 * Asks the server on `port` for its pid via a raw `INFO server`.
 *
 * Comparing the pid (rather than only expecting +PONG) guarantees we talk to
 * *our* child and not to some other redis that already owned the port — in
 * that case our child exits with "address already in use" and we report it.
 */
function serverPid(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let data = "";
    socket.setTimeout(1_000, () => socket.destroy(new Error("probe timed out")));
    socket.once("connect", () => socket.write("INFO server\r\nQUIT\r\n"));
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
    });
    socket.once("error", reject);
    socket.once("close", () => {
      // A "-LOADING" error or a truncated reply simply means "not ready yet".
      const match = /process_id:(\d+)/.exec(data);
      resolve(match?.[1] === undefined ? undefined : Number(match[1]));
    });
  });
}

/**
 * Spawns redis-server bound to 127.0.0.1 only and resolves once it answers.
 * Rejects with the tail of its output if it exits before becoming ready.
 */
export async function startRedis(opts: StartRedisOptions): Promise<RedisProcess> {
  const bin = findRedisServer();
  const persist = opts.persist ?? true;
  const log = opts.log ?? (() => {});
  mkdirSync(opts.dir, { recursive: true });
  const args = [
    "--port", String(opts.port),
    // Loopback only, and protected mode as a second fence: the dev redis has no password.
    "--bind", "127.0.0.1",
    "--protected-mode", "yes",
    "--dir", opts.dir,
    // No RDB snapshots: AOF (when persist) is the only persistence, so a stop
    // never blocks on a fork+dump of the whole dataset.
    "--save", "",
    "--appendonly", persist ? "yes" : "no",
    "--daemonize", "no",
    // Empty logfile = stdout, which we capture and forward to `log`.
    "--logfile", "",
    "--loglevel", "warning",
  ];

  let child: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  const tail: string[] = [];

  const pushLine = (line: string): void => {
    if (line === "") return;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    log(line);
  };

  const pipeLines = (stream: NodeJS.ReadableStream | null): void => {
    if (stream === null) return;
    let partial = "";
    stream.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) pushLine(line.trimEnd());
    });
    stream.on("end", () => pushLine(partial.trimEnd()));
  };

  const isRunning = (): boolean =>
    child !== undefined && child.exitCode === null && child.signalCode === null;

  const launch = async (): Promise<void> => {
    tail.length = 0;
    const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    live.add(proc);
    installExitHook();
    pipeLines(proc.stdout);
    pipeLines(proc.stderr);
    const died = new Promise<never>((_, reject) => {
      proc.once("error", (err: NodeJS.ErrnoException) => {
        live.delete(proc);
        reject(err.code === "ENOENT" ? new Error(NOT_FOUND) : err);
      });
      proc.once("exit", (code, signal) => {
        live.delete(proc);
        const why = signal === null ? `code ${String(code)}` : `signal ${signal}`;
        const output = tail.length > 0 ? `:\n${tail.join("\n")}` : " (no output)";
        reject(new Error(`redis-server on port ${opts.port} exited (${why})${output}`));
      });
    });
    // The exit promise outlives startup; swallow its later rejection.
    died.catch(() => {});
    const ready = waitFor(
      async () => (proc.pid !== undefined && (await serverPid(opts.port)) === proc.pid ? true : undefined),
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 25, what: `redis-server on 127.0.0.1:${opts.port}` },
    );
    try {
      await Promise.race([ready, died]);
    } catch (err) {
      await stop();
      throw err;
    }
  };

  const stop = (): Promise<void> => {
    const proc = child;
    if (proc === undefined || !isRunning()) return stopping ?? Promise.resolve();
    if (stopping !== undefined) return stopping;
    stopping = new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => proc.kill("SIGKILL"), KILL_AFTER_MS);
      proc.once("exit", () => {
        clearTimeout(killTimer);
        live.delete(proc);
        resolve();
      });
      proc.kill("SIGTERM");
    }).finally(() => {
      stopping = undefined;
    });
    return stopping;
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined || !isRunning()) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGKILL");
    await exited;
    live.delete(proc);
  };

  const start = async (): Promise<void> => {
    if (stopping !== undefined) await stopping;
    if (isRunning()) return;
    await launch();
  };

  await launch();
  return {
    port: opts.port,
    url: `redis://127.0.0.1:${opts.port}`,
    stop,
    kill,
    start,
    running: isRunning,
  };
}

/** Best effort: never leave a redis-server orphaned when the parent exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const proc of live) proc.kill("SIGTERM");
  });
}
