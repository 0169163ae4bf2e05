/**
 * Last-resort cleanup for a Ctrl-C while the stack is still starting: `startStack`
 * only hands back its `stop()` once /health/ready answers (which can take up to
 * its 90 s timeout), and the wrangler processes run in their own process groups,
 * so they do not get the terminal's SIGINT. This finds this process's own
 * descendants through /proc and terminates them by pid. Linux only; elsewhere
 * it reports that it could not and the caller waits for startup instead.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const GRACE_MS = 5_000;

/** pid → parent pid and process group, from /proc/<pid>/stat. */
function processTable(): Map<number, { ppid: number; pgid: number }> {
  const table = new Map<number, { ppid: number; pgid: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // The process exited while we were listing.
    }
  }
  return table;
}

function descendantsOf(root: number): Array<{ pid: number; pgid: number }> {
  const table = processTable();
  const found: Array<{ pid: number; pgid: number }> = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, info] of table) {
      if (info.ppid === parent) {
        found.push({ pid, pgid: info.pgid });
        queue.push(pid);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(target: { pid: number; pgid: number }, name: NodeJS.Signals): void {
  try {
    // A group leader (wrangler) takes its group along: workerd may already have been reparented away.
    process.kill(target.pgid === target.pid ? -target.pid : target.pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * SIGTERM to every descendant of this process (groups for group leaders),
 * SIGKILL to what is left after a grace period. Returns false when /proc is
 * not available.
 */
export async function terminateDescendants(): Promise<boolean> {
  let targets: Array<{ pid: number; pgid: number }>;
  try {
    targets = descendantsOf(process.pid);
  } catch {
    return false;
  }
  for (const target of targets) signal(target, "SIGTERM");
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline && targets.some((target) => alive(target.pid))) await sleep(100);
  for (const target of targets) signal(target, "SIGKILL");
  return true;
}
