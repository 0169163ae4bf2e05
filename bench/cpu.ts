/**
 * CPU time used by the stack under test: every descendant process of the
 * bench (wrangler, its workerd processes, the Redis bridge, redis-server),
 * from /proc/<pid>/stat. autocannon runs inside the bench process itself, so
 * the load generator is not counted.
 *
 * Why: on this shared 2-core machine req/s moves by ±20 % between identical
 * runs, with whatever else the host does. CPU time per request of our own
 * processes is far steadier, and for a CPU-bound stack it is what throughput
 * is made of, so the report shows it next to req/s.
 *
 * Linux only: elsewhere `stackCpuSeconds()` returns undefined and the report
 * leaves the column empty.
 */
import { descendantsIn, processTable } from "./children.ts";

// USER_HZ: 100 on every Linux architecture Node supports (the kernel reports stat times in these ticks).
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used so far by the bench's descendant processes that are alive
 * now; undefined without /proc. A process that exits between two readings
 * takes its time with it, so compare readings around a run during which the
 * stack keeps running.
 */
export function stackCpuSeconds(): number | undefined {
  let table: ReturnType<typeof processTable>;
  try {
    table = processTable();
  } catch {
    return undefined;
  }
  const ticks = descendantsIn(table).reduce((total, [, { cpuTicks }]) => total + cpuTicks, 0);
  return ticks / TICKS_PER_SECOND;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits `minMs`, then until the stack's processes used less than `quietShare`
 * of one core over a whole second, at most `maxMs` in all. Returns the time
 * waited, or undefined without /proc (having waited `minMs` only).
 */
export async function waitUntilQuiet(minMs: number, maxMs: number, quietShare = 0.1): Promise<number | undefined> {
  const started = Date.now();
  await sleep(minMs);
  const first = stackCpuSeconds();
  if (first === undefined) return undefined;
  let last: number = first;
  while (Date.now() - started < maxMs) {
    await sleep(1000);
    const now: number = stackCpuSeconds() ?? last;
    if (now - last < quietShare) break;
    last = now;
  }
  return Date.now() - started;
}
