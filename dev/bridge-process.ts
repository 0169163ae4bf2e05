/** The Upstash REST bridge as its own process, for stacks whose caller must not share a Node thread with it (StackOptions.bridgeAsProcess). */
import { join } from "node:path";
import { waitFor } from "./net.ts";
import { ROOT } from "./paths.ts";
import { startProcess, type OutputSink } from "./process.ts";

/** The bridge in a child process (see StackOptions.bridgeAsProcess); ready once it answers HTTP. */
export async function startBridgeProcess(port: number, token: string, redisUrl: string, sink: OutputSink): Promise<{ url: string; stop(): Promise<void>; kill(): Promise<void> }> {
  const child = startProcess("bridge", process.execPath, [join(ROOT, "dev", "upstash-bridge.ts"), "--port", String(port), "--redis", redisUrl], {
    cwd: ROOT,
    // The token goes through the environment, never the command line (visible in `ps`).
    env: { ...process.env, UPSTASH_REDIS_REST_TOKEN: token },
    output: sink,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: '["PING"]' })).ok, { timeoutMs: 15_000, what: `the bridge at ${url}` });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, stop: () => child.stop(), kill: () => child.kill() };
}
