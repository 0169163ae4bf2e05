/**
 * `npm test`: every suite, one after another, then one summary line
 * `N passed, N failed` summed over all of them. Exits non-zero on any failure.
 * Suites start and stop what they need (redis-server, the bridge, the stack).
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../dev/stack.ts";
import { vendorSwaggerUi } from "./vendor-swagger-ui.ts";
import { monitoringChecks } from "./monitoring-checks.ts";
import { checkSystemTools } from "./setup.ts";

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  numFailedTestSuites?: number;
}

const RESULTS_DIR = join(ROOT, ".state", "test-results");

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" } });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs one vitest config and reads its JSON report (a suite that dies without one counts as one failure). */
async function vitestSuite(name: string, config: string): Promise<SuiteResult> {
  const started = Date.now();
  const outputFile = join(RESULTS_DIR, `${name}.json`);
  await rm(outputFile, { force: true });
  console.log(`\n=== ${name} tests (${config}) ===`);
  const exitCode = await run(process.execPath, [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${outputFile}`]);
  const seconds = (Date.now() - started) / 1000;
  try {
    const report = JSON.parse(await readFile(outputFile, "utf8")) as VitestJson;
    // A file that fails to load (syntax error, failing hook) has no tests but is a failure.
    const brokenFiles = report.numFailedTests === 0 && exitCode !== 0 ? Math.max(1, report.numFailedTestSuites ?? 0) : 0;
    return { name, passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles, skipped: report.numPendingTests + (report.numTodoTests ?? 0), seconds };
  } catch {
    console.error(`[test] ${name}: vitest exited with ${exitCode} and wrote no report`);
    return { name, passed: 0, failed: 1, skipped: 0, seconds };
  }
}

/** promtool / amtool / dashboard checks (scripts/monitoring-checks.ts), each counted as one test. */
async function monitoringSuite(): Promise<SuiteResult> {
  const started = Date.now();
  console.log("\n=== monitoring tests (promtool, amtool, dashboards) ===");
  const checks = await monitoringChecks();
  for (const check of checks) {
    console.log(`${check.ok ? "✓" : "×"} ${check.name}`);
    if (!check.ok) console.log(check.output.trim().replace(/^/gm, "    "));
  }
  const failed = checks.filter((check) => !check.ok).length;
  return { name: "monitoring", passed: checks.length - failed, failed, skipped: 0, seconds: (Date.now() - started) / 1000 };
}

// redis-server, Prometheus, Alertmanager, promtool, amtool and Chromium: installed when possible, else the one command to run.
if (!(await checkSystemTools("test"))) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}
await mkdir(RESULTS_DIR, { recursive: true });
await vendorSwaggerUi(ROOT);
const only = process.argv.slice(2);
const suites: Array<[string, () => Promise<SuiteResult>]> = [
  ["workers", () => vitestSuite("workers", "vitest.workers.config.ts")],
  ["testing-worker", () => vitestSuite("testing-worker", "vitest.testing-worker.config.ts")],
  ["node", () => vitestSuite("node", "vitest.node.config.ts")],
  ["monitoring", monitoringSuite],
];
const results: SuiteResult[] = [];
for (const [name, runSuite] of suites) {
  if (only.length === 0 || only.includes(name)) results.push(await runSuite());
}

console.log("\n=== summary ===");
for (const result of results) {
  console.log(`${result.name.padEnd(14)} ${String(result.passed).padStart(4)} passed ${String(result.failed).padStart(4)} failed ${String(result.skipped).padStart(4)} skipped  ${result.seconds.toFixed(1)} s`);
}
const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
