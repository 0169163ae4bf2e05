/**
 * Child processes of the local stack: each runs in its own process group so
 * that stopping it also stops what it spawned (wrangler starts workerd), and
 * its output goes line by line to a sink (the terminal with a prefix, or a file).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** A started child process. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once no process of the group runs. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole group at once, no grace (a crash); resolves once no process of the group runs. */
  kill(): Promise<void>;
}

/** Where a process's output goes: `inherit` prefixes lines on our stdout, a path appends to that file. */
export type OutputSink = "inherit" | "ignore" | { file: string };

function pipeLines(child: ChildProcess, name: string, sink: OutputSink): void {
  if (sink === "ignore") return;
  const file = typeof sink === "object" ? createWriteStream(sink.file, { flags: "a" }) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => {
      if (file) file.write(`${line}\n`);
      else process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.once("exit", () => file?.end());
}

/**
 * The pids of group `pgid` that still run, or undefined where /proc cannot
 * be read. Zombies (dead, waiting for their new parent to reap them) hold no
 * ports or files, so they do not count; /proc tells them apart on Linux.
 */
function groupMembers(pgid: number): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  return entries
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        // Fields after the command name: state, ppid, pgrp.
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(pgrp) === pgid && state !== "Z";
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Whether a process of group `pgid` still runs; elsewhere than Linux any member counts. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  const members = groupMembers(pgid);
  return members === undefined || members.length > 0;
}

/** How long a SIGKILLed group may take to be gone: generous, because callers need "gone", not "fast", and a loaded machine is slow to reap. */
const KILL_WAIT_MS = 15_000;

/** Starts `command args` in a new process group. */
export function startProcess(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; output: OutputSink }): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", options.output === "ignore" ? "ignore" : "pipe", options.output === "ignore" ? "ignore" : "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  pipeLines(child, name, options.output);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (error) => resolve(error.message));
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  // The leader's exit is not the group's: workerd can take a moment longer to let go of its ports and files.
  const groupGone = async () => {
    const deadline = Date.now() + KILL_WAIT_MS;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    // Callers rely on the ports and files being free; saying so beats a later, puzzling "address in use".
    if (groupAlive(pid)) throw new Error(`${name}: processes ${groupMembers(pid)?.join(", ") ?? `of group ${pid}`} still run ${KILL_WAIT_MS} ms after SIGKILL`);
  };
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    name,
    pid,
    exited,
    async stop(graceMs = 5000) {
      if (!running) return;
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // workerd may outlive wrangler for a moment; make sure nothing of the group stays.
      signalGroup("SIGKILL");
      await groupGone();
    },
    async kill() {
      // The group, not the pid: wrangler's workerd child shares it and must die in the same instant.
      signalGroup("SIGKILL");
      if (running) await exited;
      await groupGone();
    },
  };
}

/** Runs a command to completion; rejects with its output tail when it fails. */
export async function runToCompletion(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<void> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${output}`);
}
