/**
 * The `monitoring` test suite: the Prometheus, Alertmanager and Grafana files
 * checked by the real tools. Each check is one test in `npm test`'s summary:
 * promtool check config, promtool check rules (per rule file), promtool test
 * rules (per test file), amtool check-config, dashboards current with their
 * specs, and for every alert a unit test where it fires and one where it does not.
 * Run alone: `node scripts/monitoring-checks.ts`.
 */
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { ROOT } from "../dev/stack.ts";

/** One check's outcome. */
export interface CheckResult {
  name: string;
  ok: boolean;
  output: string;
}

const MONITORING = join(ROOT, "monitoring");
const RULES_DIR = join(MONITORING, "prometheus", "rules");
const TESTS_DIR = join(MONITORING, "prometheus", "tests");

function run(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (error) => resolve({ ok: false, output: `${command}: ${error.message}` }));
    child.once("exit", (code) => resolve({ ok: code === 0, output }));
  });
}

const yamlFiles = async (dir: string) => (await readdir(dir)).filter((file) => file.endsWith(".yml")).sort().map((file) => join(dir, file));

/** Alert names per rule file, read from `- alert: Name` lines (our rule files keep that layout). */
async function alertNames(): Promise<string[]> {
  const names = new Set<string>();
  for (const file of await yamlFiles(RULES_DIR)) {
    for (const match of (await readFile(file, "utf8")).matchAll(/^\s*- alert:\s*(\S+)\s*$/gm)) names.add(match[1] as string);
  }
  return [...names];
}

/**
 * For each `alertname:` in the test files, whether some eval expects it to fire
 * (`exp_alerts:` followed by a list) and some expects silence (`exp_alerts: []`).
 */
async function alertCoverage(): Promise<Map<string, { fires: boolean; quiet: boolean }>> {
  const coverage = new Map<string, { fires: boolean; quiet: boolean }>();
  for (const file of await yamlFiles(TESTS_DIR)) {
    for (const match of (await readFile(file, "utf8")).matchAll(/alertname:\s*(\S+)\s*\n\s*exp_alerts:(.*)\n/g)) {
      const entry = coverage.get(match[1] as string) ?? { fires: false, quiet: false };
      if ((match[2] as string).trim() === "[]") entry.quiet = true;
      else entry.fires = true;
      coverage.set(match[1] as string, entry);
    }
  }
  return coverage;
}

/** Runs every monitoring check. */
export async function monitoringChecks(): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record = async (name: string, command: string, args: string[]) => {
    const { ok, output } = await run(command, args);
    results.push({ name, ok, output });
  };
  const prometheusYml = join(MONITORING, "prometheus", "prometheus.yml");
  await record("promtool check config prometheus.yml", "promtool", ["check", "config", "--lint=all", prometheusYml]);
  for (const file of await yamlFiles(RULES_DIR)) await record(`promtool check rules ${relative(MONITORING, file)}`, "promtool", ["check", "rules", "--lint=all", file]);
  for (const file of await yamlFiles(TESTS_DIR)) await record(`promtool test rules ${relative(MONITORING, file)}`, "promtool", ["test", "rules", file]);
  await record("amtool check-config alertmanager.yml", "amtool", ["check-config", join(MONITORING, "alertmanager", "alertmanager.yml")]);
  await record("grafana dashboards match their specs", process.execPath, [join(ROOT, "scripts", "grafana-dashboards.ts"), "--check"]);
  const coverage = await alertCoverage();
  for (const name of await alertNames()) {
    const entry = coverage.get(name);
    const ok = entry?.fires === true && entry.quiet === true;
    results.push({ name: `alert ${name} has a firing and a quiet unit test`, ok, output: ok ? "" : `fires: ${entry?.fires ?? false}, quiet: ${entry?.quiet ?? false}` });
  }
  return results;
}

if (import.meta.main) {
  const results = await monitoringChecks();
  for (const result of results) {
    console.log(`${result.ok ? "✓" : "×"} ${result.name}`);
    if (!result.ok) console.log(result.output.trim().replace(/^/gm, "    "));
  }
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}
