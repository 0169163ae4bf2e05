/**
 * `npm run bench`: starts a private stack (free ports, temp state, LOG_LEVEL=warn
 * so per-request logging does not dominate), runs the scenarios one after another
 * with autocannon on loopback, stops the stack, prints a markdown table and writes
 * bench/results/latest.json and its chart (bench/results/throughput.svg).
 * Ctrl-C at any point stops every process it started.
 *
 * Env: BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_CONNECTIONS, BENCH_ROUNDS, BENCH_TWIN_ROUNDS (bench/twins.ts), BENCH_ONLY=name,...,
 * BENCH_PROFILE=1 (a CPU profile per measured run in bench/results/profiles; the
 * figures are then slowed by sampling, so latest.json and the chart are left alone).
 * Exit code: 0 (a missed target is reported, not fatal), 1 when a scenario had
 * failing requests or the run broke, 130 when interrupted.
 */
import { rmSync } from "node:fs";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getFreePort } from "../dev/net.ts";
import { ROOT, startStack, type Stack } from "../dev/stack.ts";
import { randomStackOptions } from "../test/support/stack-options.ts";
import { writeChart } from "./chart.ts";
import { waitUntilQuiet } from "./cpu.ts";
import { killDescendantsNow, terminateDescendants } from "./children.ts";
import { createContext } from "./context.ts";
import { measure, stopRuns } from "./measure.ts";
import { planRuns, plannedSeconds, warmupOf } from "./plan.ts";
import { connectProfiler, profiled, type IsolateProfiler } from "./profiler.ts";
import { compare, isFailing, machineInfo, type BenchReport, type Measurement } from "./report.ts";
import type { BenchRequest, RegisteredScenario } from "./scenario.ts";
import { startReferenceWorker, type ReferenceWorker } from "./reference-worker.ts";
import { benchOperator, CONFIG_SETTLES_MS, withRuntimeConfig } from "./runtime-config.ts";
import { SCENARIOS, STACK_API_VARS, STACK_RUNTIME_CONFIG } from "./scenarios.ts";
import { readSettings, selectScenarios } from "./settings.ts";
import { renderMarkdown } from "./table.ts";
import { roundsFor } from "./twins.ts";

const RESULTS_FILE = join(ROOT, "bench", "results", "latest.json");
const CHART_FILE = join(ROOT, "bench", "results", "throughput.svg");
const PROFILES_DIR = join(ROOT, "bench", "results", "profiles");
const LOG_TAIL_LINES = 30;
const progress = (line: string) => console.log(`[bench] ${line}`);
const elapsed = (since: number) => {
  const seconds = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

class Interrupted extends Error {}

let stack: Stack | undefined;
let reference: ReferenceWorker | undefined;
let profiler: IsolateProfiler | undefined;
let stateDir: string | undefined;
let starting = false;
let interrupted: string | undefined;
let cleanup: Promise<void> | undefined;

/** Stops the stack and removes its temp state; safe to call from both the main flow and a signal. */
function stopEverything(): Promise<void> {
  cleanup ??= (async () => {
    stopRuns();
    profiler?.close();
    if (reference !== undefined) await reference.stop();
    if (stack !== undefined) {
      progress("stopping the stack");
      await stack.stop();
    }
    if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  })();
  return cleanup;
}

/** Stops everything and exits; called on signals and crashes, so it may run while the stack is still starting. */
async function shutdown(exitCode: number): Promise<void> {
  stopRuns();
  if (starting) {
    progress("a stack is still starting: terminating the processes the bench started");
    // Without /proc, the main flow stops the stack as soon as startStack returns.
    if (!(await terminateDescendants())) return;
    // Synchronous to the exit: startStack's pending steps get no chance to spawn anything more.
    killDescendantsNow();
    if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
    process.exit(exitCode);
  }
  await stopEverything();
  process.exit(exitCode);
}

function onSignal(signal: NodeJS.Signals): void {
  // `npm run` forwards the terminal's SIGINT, so one Ctrl-C can arrive twice.
  if (interrupted !== undefined) return;
  interrupted = signal;
  progress(`${signal}: stopping`);
  void shutdown(130);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

/**
 * A throw inside autocannon's socket handlers (e.g. a scenario's setupRequest)
 * is uncaught; Node would exit at once and orphan the wrangler processes, which
 * run in their own process groups. Stop the stack first.
 */
function onCrash(error: unknown): void {
  // Every connection hits the same bug; one report is enough.
  if (interrupted === "crash") return;
  console.error(`[bench] crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  interrupted = "crash";
  void shutdown(1);
}
process.on("uncaughtException", onCrash);
process.on("unhandledRejection", onCrash);

async function printLogTails(dir: string): Promise<void> {
  for (const name of ["api", "exporter", "reference"]) {
    const text = await readFile(join(dir, "logs", `${name}.log`), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    console.error(`[bench] last lines of the ${name} Worker's log:\n${text.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n")}`);
  }
}

function checkInterrupted(): void {
  if (interrupted !== undefined) throw new Interrupted(interrupted);
}

/** A free port none of the stack's others (each free when picked, then released) already has. */
async function freePortOtherThan(taken: number[]): Promise<number> {
  for (;;) {
    const port = await getFreePort();
    if (!taken.includes(port)) return port;
  }
}

/** Local workerd closes an object 5-11 s after its last call: waits for closing to be over start past this. */
const OBJECTS_CLOSED_MIN_WAIT_MS = 12_000;

/** After setup (up to 10,000 objects woken): past their close, then until the stack is quiet, within a bound. */
const AFTER_SETUP_MAX_WAIT_MS = 90_000;

/**
 * Before a run that follows one of another object group (`objects` in scenario.ts): past the previous group's close,
 * then until the stack is quiet (at most 30 s). In a full run, the authenticated no-op right after the no-op DO RPC
 * measured 0.72× the no-op against 1.02× in the round where it followed the liveness probe.
 */
const OBJECTS_CLOSED_MAX_WAIT_MS = 30_000;

async function main(): Promise<BenchReport> {
  const settings = readSettings();
  const selected = selectScenarios(SCENARIOS, process.env.BENCH_ONLY);
  const options = await randomStackOptions("qingyu-bench-");
  if (settings.profile) options.apiInspectorPort = await freePortOtherThan([options.apiPort, options.exporterPort, options.redisPort, options.bridgePort]);
  stateDir = options.stateDir;
  progress(`scenarios: ${selected.map((s) => s.name).join(", ")}`);
  progress(`starting the stack (state in ${stateDir})`);
  const startedAt = Date.now();
  starting = true;
  try {
    const wranglerOptions = {
      wranglerLogLevel: "warn",
      // Its store grows with every request, so later scenarios would pay for earlier ones' traces.
      localObservability: false,
    } as const;
    stack = await startStack({
      ...options,
      ...wranglerOptions,
      bridgeAsProcess: true,
      apiWorker: "testing", // the bench routes (no-op floors, the Redis peer, seeding) are the testing Worker's only
      apiVars: { ...options.apiVars, ...STACK_API_VARS },
      progress: (line) => progress(`  ${line}`),
    });
    progress("  starting the bare reference Worker (bench/reference/)");
    reference = await startReferenceWorker({ stateDir: options.stateDir, ...wranglerOptions });
  } catch (error) {
    // The worker logs live in the temp state dir, which is removed on exit: show their end now.
    if (interrupted === undefined) await printLogTails(options.stateDir);
    throw error;
  } finally {
    starting = false;
  }
  checkInterrupted();
  progress(`stack ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${stack.apiUrl}, reference ${reference.url}`);
  if (options.apiInspectorPort !== undefined) {
    profiler = await connectProfiler(options.apiInspectorPort);
    progress("profiling every measured run: sampling slows the isolate, so these figures are not comparable with an unprofiled run's");
  }
  const operator = await benchOperator(stack, options.stateDir);
  await operator.patch(STACK_RUNTIME_CONFIG);

  const ctx = createContext(stack, reference.url, progress);
  // Every setup first: creating fixtures (hashing 1,000 passwords) must not load the machine while something is measured.
  const prepared: Array<{ scenario: RegisteredScenario; requests: BenchRequest[] }> = [];
  for (const scenario of selected) {
    checkInterrupted();
    progress(`${scenario.name}: preparing`);
    prepared.push({ scenario, requests: await scenario.prepare(ctx) });
  }
  // Setup wakes up to 10,000 Durable Objects, which local workerd closes after 5-11 s idle: that work must not fall in
  // the first measured runs (in a full run, round 1's noop used 12 % more CPU per request than its twin right after).
  const waited = await waitUntilQuiet(OBJECTS_CLOSED_MIN_WAIT_MS, AFTER_SETUP_MAX_WAIT_MS);
  if (waited !== undefined) progress(`the stack was quiet ${(waited / 1000).toFixed(0)} s after setup`);

  const measured = new Map<string, Measurement[]>();
  const twinMeasured = new Map<string, Measurement[]>();
  const plan = planRuns(prepared, settings.rounds, settings.twinRounds);
  const totalS = plannedSeconds(plan, settings, { settleS: CONFIG_SETTLES_MS / 1000, objectsClosedS: OBJECTS_CLOSED_MIN_WAIT_MS / 1000 });
  progress(
    `setup done after ${elapsed(startedAt)}; measuring ${plan.length} runs of ${settings.durationS} s after a warm-up, about ${Math.ceil(totalS / 60)} min`,
  );

  const measuringStarted = Date.now();
  for (const [index, { entry, label, round, twin, waitForObjects }] of plan.entries()) {
    const { scenario, requests } = entry;
    const into = twin ? twinMeasured : measured;
    checkInterrupted();
    if (waitForObjects) {
      const waited = await waitUntilQuiet(OBJECTS_CLOSED_MIN_WAIT_MS, OBJECTS_CLOSED_MAX_WAIT_MS);
      progress(`waited ${waited === undefined ? "" : `${(waited / 1000).toFixed(0)} s `}for ${plan[index - 1]?.entry.scenario.name}'s objects to close`);
      checkInterrupted();
    }
    const warmupS = warmupOf(scenario, settings);
    progress(
      `[${index + 1}/${plan.length}, ${elapsed(measuringStarted)}] ${label}${scenario.name}: ${warmupS} s warm-up, then ${settings.durationS} s measured with ${settings.connections} connections`,
    );
    const result = await withRuntimeConfig(operator, scenario, progress, async () => {
      await scenario.beforeRun?.(ctx);
      const around = profiler && (<T>(measured: () => Promise<T>) => profiled(profiler as IsolateProfiler, { name: scenario.name, round, dir: PROFILES_DIR, root: ROOT, progress }, measured));
      return measure(scenario.url(ctx), requests, { ...settings, warmupS }, progress, around);
    });
    checkInterrupted();
    into.set(scenario.name, [...(into.get(scenario.name) ?? []), result]);
    const flag = isFailing(result) ? ` FAILING (${result.non2xx} non-2xx, ${result.errors} errors)` : "";
    const cpu = result.cpuUsPerRequest === undefined ? "" : `, CPU ${result.cpuUsPerRequest} µs/req`;
    progress(`${label}${scenario.name}: ${result.reqPerSec} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${cpu}${flag}`);
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      durationS: settings.durationS,
      connections: settings.connections,
      warmupS: settings.warmupS,
      timeoutS: settings.timeoutS,
      rounds: settings.rounds,
      twinRounds: plan.some((run) => run.twin) ? settings.twinRounds : 0,
    },
    scenarios: selected.map((scenario) => {
      const { own, base } = roundsFor(scenario, measured, twinMeasured);
      const others = scenario.alsoVs.map((name) => {
        const rounds = measured.get(name);
        if (rounds === undefined) throw new Error(`no measurement for ${name}, which ${scenario.name} is compared against`);
        return { baseline: name, rounds };
      });
      return compare(scenario, own, base, others);
    }),
  };
  return report;
}

let exitCode = 0;
try {
  const report = await main();
  await stopEverything();
  if (profiler === undefined) {
    await mkdir(join(ROOT, "bench", "results"), { recursive: true });
    await writeFile(RESULTS_FILE, JSON.stringify(report, null, 2) + "\n");
    progress(`wrote ${RESULTS_FILE.slice(ROOT.length + 1)}`);
    progress(`wrote ${(await writeChart(RESULTS_FILE, CHART_FILE)).slice(ROOT.length + 1)}\n`);
  } else {
    progress(`profiled run: profiles in ${PROFILES_DIR.slice(ROOT.length + 1)}; ${RESULTS_FILE.slice(ROOT.length + 1)} and the chart left as they were\n`);
  }
  process.stdout.write(renderMarkdown(report));
  if (report.scenarios.some(isFailing)) exitCode = 1;
} catch (error) {
  if (interrupted === "crash") {
    exitCode = 1;
  } else if (interrupted !== undefined || error instanceof Interrupted) {
    exitCode = 130;
  } else {
    console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
    // Keep the Workers' logs of a failed run: they hold the server-side side of the failure.
    if (stateDir !== undefined) {
      const kept = join(ROOT, "bench", "results", "failed-run-logs");
      await rm(kept, { recursive: true, force: true });
      await cp(join(stateDir, "logs"), kept, { recursive: true }).catch(() => {});
      console.error(`[bench] the stack's logs are in ${kept.slice(ROOT.length + 1)}`);
    }
  }
} finally {
  await stopEverything();
}
process.exit(exitCode);
