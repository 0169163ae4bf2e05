/**
 * Starts the bench's bare reference Worker (bench/reference/) beside the stack:
 * the same wrangler, flags, log level and state folder as the API Worker, its
 * own port and process, so both are measured on the same machine in the same run.
 */
import { join } from "node:path";
import { getFreePort, waitFor } from "../dev/net.ts";
import { ROOT, wranglerDev, type StackOptions } from "../dev/stack.ts";

/** A running reference Worker. */
export interface ReferenceWorker {
  url: string;
  stop(): Promise<void>;
}

const CONFIG = join(ROOT, "bench", "reference", "wrangler.toml");
const READY_TIMEOUT_MS = 90_000;

/** Starts it with the stack's wrangler options and resolves once `/noop` answers. */
export async function startReferenceWorker(options: Pick<StackOptions, "stateDir" | "wranglerLogLevel" | "localObservability">): Promise<ReferenceWorker> {
  const port = await getFreePort();
  const child = wranglerDev("reference", options, ["-c", CONFIG, "--port", String(port)], { file: join(options.stateDir, "logs", "reference.log") });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/noop`)).ok, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, what: `the reference Worker at ${url}/noop` });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, stop: () => child.stop() };
}
