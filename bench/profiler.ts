/**
 * `BENCH_PROFILE=1 npm run bench`: a V8 CPU profile of the API Worker's
 * isolate for each measured run, through wrangler dev's DevTools inspector
 * (Chrome DevTools Protocol, `Profiler` domain). Each profile is written to
 * bench/results/profiles/<scenario>-r<round>.cpuprofile (open it in Chrome
 * DevTools' Performance panel, or VS Code) with a summary of where the
 * isolate's time went.
 *
 * The isolate runs the API Worker and its Durable Objects alike, so one
 * profile shows both sides of an RPC. Sampling costs throughput, so profiled
 * runs are for finding where time goes, never for the ratios.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import WebSocket from "ws";

// One sample per 200 µs: fine enough for a request that takes a few ms, cheap enough not to swamp it.
const SAMPLING_INTERVAL_US = 200;
const INSPECTOR_TIMEOUT_MS = 10_000;

/** The parts of a `Profiler.Profile` the summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
}

/** A connection to the isolate's profiler. */
export interface IsolateProfiler {
  start(): Promise<void>;
  stop(): Promise<CpuProfile>;
  close(): void;
}

/** Connects to the first target of a wrangler dev inspector on loopback (the Worker's isolate). */
export async function connectProfiler(inspectorPort: number): Promise<IsolateProfiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(INSPECTOR_TIMEOUT_MS) })).json()) as Array<{
    webSocketDebuggerUrl?: string;
  }>;
  const url = targets.find((target) => target.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`the inspector on port ${inspectorPort} lists no debuggable target`);
  // The `ws` client: Node's built-in WebSocket could not connect to wrangler's inspector proxy here.
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", (error) => reject(new Error(`could not connect to the inspector at ${url}: ${error.message}`)));
  });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    // Through wrangler's inspector proxy, the commands that answer with nothing (enable, start) come back as an echo
    // of the command itself, without `result`: the first message with the command's id is its answer either way.
    if (message.id === undefined) return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) pending?.reject(new Error(`inspector: ${message.error.message}`));
    else pending?.resolve(message.result);
  });
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`inspector: no answer to ${method} within ${INSPECTOR_TIMEOUT_MS} ms`));
      }, INSPECTOR_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (result) => (clearTimeout(timer), resolve(result as T)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  return {
    start: () => send("Profiler.start"),
    stop: async () => {
      const answer = await send<{ profile?: CpuProfile } | undefined>("Profiler.stop");
      if (!answer?.profile) throw new Error("inspector: Profiler.stop answered without a profile");
      return answer.profile;
    },
    close: () => socket.close(),
  };
}

const frameName = (frame: CpuProfile["nodes"][number]["callFrame"]) =>
  `${frame.functionName || "(anonymous)"}${frame.lineNumber >= 0 ? ` (${frame.url.split("/").pop() || "?"}:${frame.lineNumber + 1})` : ""}`;

/**
 * Where the isolate's busy samples went: the `top` functions by self time
 * (natives called from JavaScript, such as SQL `exec`, count as their own
 * frames) and by inclusive time. Counts samples, not the profile's time deltas:
 * a sample taken after a long idle gap would otherwise carry the whole gap.
 */
export function summarizeProfile(profile: CpuProfile, top = 25): string {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const node = nodes.get(id);
    if (!node || node.callFrame.functionName === "(idle)") continue;
    busy++;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at);
      if (!frame || frame.callFrame.functionName === "(root)") continue;
      const key = frameName(frame.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
    }
  }
  const lines = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => `  ${((count / Math.max(busy, 1)) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return [`${busy} busy samples of ${profile.samples.length} (the rest idle)`, "self:", ...lines(self), "inclusive:", ...lines(inclusive)].join("\n");
}

/** Where and under which name `profiled` writes a run's profile. */
export interface ProfiledRun {
  name: string;
  round: number;
  dir: string;
  /** The repo root, for the short path in the progress line. */
  root: string;
  progress: (line: string) => void;
}

/** Runs `run` under the isolate's profiler and writes the profile and its summary (`<dir>/<name>-r<round>.cpuprofile` and `.txt`). */
export async function profiled<T>(profiler: IsolateProfiler, where: ProfiledRun, run: () => Promise<T>): Promise<T> {
  await profiler.start();
  try {
    return await run();
  } finally {
    const profile = await profiler.stop();
    await mkdir(where.dir, { recursive: true });
    const file = join(where.dir, `${where.name}-r${where.round}`);
    const summary = summarizeProfile(profile);
    await writeFile(`${file}.cpuprofile`, JSON.stringify(profile));
    await writeFile(`${file}.txt`, summary + "\n");
    where.progress(`${where.name}: profile in ${file.slice(where.root.length + 1)}.cpuprofile; ${summary.split("\n").slice(0, 7).join("\n    ")}`);
  }
}
