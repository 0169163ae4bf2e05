/**
 * The one set-up step `npm run dev`, `npm test` and `.ci/run` call first: finds
 * the system programs that are missing (dev/tools.ts), installs them with
 * apt-get when it runs as root or `sudo -n` works, and otherwise prints the one
 * exact command to run and stops. `dev` needs only redis-server (the monitoring
 * programs are optional there and only warned about); `test` needs them all.
 *
 * Usage: node scripts/setup.ts [dev|test] [--check]   (--check: report only, install nothing)
 * QINGYU_SKIP_SETUP=1 skips it (a machine without apt that has the programs elsewhere on PATH still passes).
 */
import { spawn } from "node:child_process";
import { aptPackages, findOnPath, installCommand, missingTools, SYSTEM_TOOLS, type SystemTool } from "../dev/tools.ts";

export interface SetupOptions {
  progress?: (line: string) => void;
  /** Only report; never install. */
  checkOnly?: boolean;
  /** PATH to look in (tests pass one without the tools). */
  path?: string;
}

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    child.once("error", () => resolve(false));
    child.once("exit", (code) => resolve(code === 0));
  });
}

/** How this process may run apt-get: directly (root), through `sudo -n` (no password prompt), or not at all. */
async function privilege(path: string): Promise<string[] | undefined> {
  if (!findOnPath(["apt-get"], path)) return undefined;
  if (process.getuid?.() === 0) return [];
  if (findOnPath(["sudo"], path) && (await run("sudo", ["-n", "true"]))) return ["sudo", "-n"];
  return undefined;
}

const names = (tools: readonly SystemTool[]) => tools.map((tool) => tool.commands[0]).join(", ");

/** Resolves true when everything `purpose` needs is on PATH (after installing it if it could). */
export async function checkSystemTools(purpose: "dev" | "test", options: SetupOptions = {}): Promise<boolean> {
  const progress = options.progress ?? ((line: string) => console.log(`[setup] ${line}`));
  const path = options.path ?? process.env.PATH ?? "";
  if (process.env.QINGYU_SKIP_SETUP === "1") return true;
  const missing = missingTools(purpose, path);
  const needed = purpose === "dev" ? missing.filter((tool) => tool.dev === "required") : missing;
  const optional = missing.filter((tool) => !needed.includes(tool));
  if (optional.length > 0) progress(`optional for npm run dev, not found: ${names(optional)} (monitoring starts without them); install with: ${installCommand(aptPackages(optional))}`);
  if (needed.length === 0) return true;

  const packages = aptPackages(needed);
  const how = options.checkOnly ? undefined : await privilege(path);
  if (!how) {
    progress(`missing: ${names(needed)}. Run this once, then try again:`);
    progress(`  ${installCommand(packages)}`);
    return false;
  }
  const [command, ...prefix] = how.length > 0 ? how : ["apt-get"];
  const aptArgs = (args: string[]) => (how.length > 0 ? [...prefix, "apt-get", ...args] : args);
  progress(`installing ${packages.join(" ")} (missing: ${names(needed)})`);
  const installed = (await run(command as string, aptArgs(["update", "-qq"]))) && (await run(command as string, aptArgs(["install", "-y", "-qq", "--no-install-recommends", ...packages])));
  const still = missingTools(purpose, path).filter((tool) => needed.includes(tool));
  if (!installed || still.length > 0) {
    progress(`could not install ${names(still.length > 0 ? still : needed)}; run: ${installCommand(packages)}`);
    return false;
  }
  progress(`installed ${packages.join(" ")}`);
  return true;
}

if (import.meta.main) {
  const purpose = process.argv.includes("dev") ? "dev" : "test";
  const ok = await checkSystemTools(purpose, { checkOnly: process.argv.includes("--check") });
  if (ok) console.log(`[setup] ${purpose}: ${SYSTEM_TOOLS.filter((tool) => purpose === "test" || tool.dev === "required").map((tool) => tool.commands[0]).join(", ")} present`);
  process.exit(ok ? 0 : 1);
}
