/**
 * Small networking helpers for the local dev stack and tests: grabbing a free
 * loopback port and polling until a service is ready.
 */
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 and releases it again.
 *
 * There is an unavoidable race (someone else may grab the port before the
 * caller binds it), but on a dev machine / CI box it is good enough and
 * avoids hard-coded ports colliding between parallel test files.
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not determine the port of a probe listener"));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Delay between probes; defaults to 50 ms. */
  intervalMs?: number;
  /** Human description used in the timeout error ("redis on :6379"). */
  what: string;
}

/**
 * Polls `probe` until it returns a truthy value and resolves with it.
 *
 * A probe that throws counts as "not yet"; its message is kept so that the
 * eventual timeout error says *why* the service never came up instead of only
 * that it did not.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  opts: WaitForOptions,
): Promise<T> {
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: string | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const suffix = lastError === undefined ? "" : ` (last error: ${lastError})`;
  throw new Error(`timed out after ${opts.timeoutMs}ms waiting for ${opts.what}${suffix}`);
}
