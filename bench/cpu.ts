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
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: 100 on every Linux architecture Node supports (the kernel reports stat times in these ticks).
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime of the process itself, in ticks. */
  ticks: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses; fields after the last ')' start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // exited while we were listing
  }
}

/**
 * CPU seconds used so far by the bench's descendant processes that are alive
 * now; undefined without /proc. A process that exits between two readings
 * takes its time with it, so compare readings around a run during which the
 * stack keeps running.
 */
export function stackCpuSeconds(): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  const children = new Map<number, Array<{ pid: number; ticks: number }>>();
  for (const entry of entries) {
    const stat = readStat(entry);
    if (!stat) continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push({ pid: Number(entry), ticks: stat.ticks });
    children.set(stat.ppid, siblings);
  }
  let ticks = 0;
  const queue = [process.pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      ticks += child.ticks;
      queue.push(child.pid);
    }
  }
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
