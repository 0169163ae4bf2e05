/**
 * Last-resort cleanup for a Ctrl-C while the stack is still starting: `startStack`
 * only hands back its `stop()` once /health/ready answers (which can take up to
 * its 90 s timeout), and the wrangler processes run in their own process groups,
 * so they do not get the terminal's SIGINT. This finds this process's own
 * descendants through /proc and terminates them by pid. Linux only; elsewhere
 * it reports that it could not and the caller waits for startup instead.
 *
 * startStack keeps going while we do this (killing the migrations step can let
 * it go on to spawn the API Worker), so the caller ends with the synchronous
 * {@link killDescendantsNow} and exits in the same tick: no JavaScript, hence
 * no new spawn, can run in between.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const GRACE_MS = 5_000;

interface Proc {
  pid: number;
  pgid: number;
}

/** Every descendant ever seen: one whose parent already exited is reparented to init and no longer looks like ours. */
const seen = new Map<number, Proc>();

/** One process as /proc/<pid>/stat tells it: parent, process group, and CPU used so far (utime + stime, in clock ticks). */
export interface ProcStat {
  ppid: number;
  pgid: number;
  cpuTicks: number;
}

/** pid → its stat line's fields we use. Throws without /proc. */
export function processTable(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(fields[1]), pgid: Number(fields[2]), cpuTicks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process exited while we were listing.
    }
  }
  return table;
}

/** The processes of `table` that descend from this process now (children, their children, ...). */
export function descendantsIn(table: ReadonlyMap<number, ProcStat>): Array<[pid: number, stat: ProcStat]> {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) {
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  const found: Array<[number, ProcStat]> = [];
  const queue = [process.pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      const stat = table.get(child);
      if (stat) found.push([child, stat]);
      queue.push(child);
    }
  }
  return found;
}

/** Records the current descendants of this process in `seen`. Throws without /proc. */
function collect(): void {
  for (const [pid, { pgid }] of descendantsIn(processTable())) seen.set(pid, { pid, pgid });
}

/** Running, not a zombie: a killed workerd reparented to init stays a zombie until init reaps it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.charAt(stat.lastIndexOf(")") + 2);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

function signal(target: Proc, name: NodeJS.Signals): void {
  try {
    // A group leader (wrangler) takes its group along, including a workerd already reparented away.
    process.kill(target.pgid === target.pid ? -target.pid : target.pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * SIGTERM to every descendant of this process (whole groups for group leaders),
 * again for any that appear meanwhile, until none is left or the grace period
 * ends. Returns false when /proc is not available.
 */
export async function terminateDescendants(): Promise<boolean> {
  try {
    collect();
  } catch {
    return false;
  }
  const signalled = new Set<number>();
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline) {
    collect();
    const live = [...seen.values()].filter((target) => alive(target.pid));
    if (live.length === 0) break;
    for (const target of live) {
      if (signalled.has(target.pid)) continue;
      signalled.add(target.pid);
      signal(target, "SIGTERM");
    }
    await sleep(100);
  }
  return true;
}

/** SIGKILL to every descendant seen or still present. Synchronous on purpose: call it right before `process.exit`. */
export function killDescendantsNow(): void {
  try {
    collect();
  } catch {
    return;
  }
  for (const target of seen.values()) if (alive(target.pid) || target.pgid === target.pid) signal(target, "SIGKILL");
}
