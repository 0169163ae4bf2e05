/**
 * The system programs the project runs (Debian/Ubuntu packages), which of them
 * `npm run dev` and `npm test` need, and how to find them on PATH. One list,
 * read by scripts/setup.ts, the dev launcher and the monitoring launcher, so an
 * install hint is the same everywhere.
 */
import { accessSync, constants as fsConstants } from "node:fs";
import { delimiter, join } from "node:path";

/** A program we start, and the apt package that provides it. */
export interface SystemTool {
  /** What it is called on PATH; the first name found wins (Debian calls Alertmanager prometheus-alertmanager). */
  commands: readonly string[];
  aptPackage: string;
  /** `required`: dev cannot start without it; `optional`: dev starts without it and says so; `no`: tests only. */
  dev: "required" | "optional" | "no";
}

export const SYSTEM_TOOLS: readonly SystemTool[] = [
  { commands: ["redis-server"], aptPackage: "redis-server", dev: "required" },
  { commands: ["prometheus"], aptPackage: "prometheus", dev: "optional" },
  { commands: ["promtool"], aptPackage: "prometheus", dev: "no" },
  { commands: ["prometheus-alertmanager", "alertmanager"], aptPackage: "prometheus-alertmanager", dev: "optional" },
  { commands: ["amtool"], aptPackage: "prometheus-alertmanager", dev: "no" },
  { commands: ["chromium"], aptPackage: "chromium", dev: "no" },
];

/** The absolute path of the first of `names` on `path`, or undefined. */
export function findOnPath(names: readonly string[], path = process.env.PATH ?? ""): string | undefined {
  for (const name of names) {
    for (const dir of path.split(delimiter)) {
      if (dir === "") continue;
      const candidate = join(dir, name);
      try {
        accessSync(candidate, fsConstants.X_OK);
        return candidate;
      } catch {
        // not in this PATH entry
      }
    }
  }
  return undefined;
}

/** The tools a purpose needs that are not on `path`: `dev` (required and optional ones) or `test` (all). */
export function missingTools(purpose: "dev" | "test", path = process.env.PATH ?? ""): SystemTool[] {
  return SYSTEM_TOOLS.filter((tool) => (purpose === "test" || tool.dev !== "no") && findOnPath(tool.commands, path) === undefined);
}

/** The apt packages providing `tools`, each once, in list order. */
export function aptPackages(tools: readonly SystemTool[]): string[] {
  return [...new Set(tools.map((tool) => tool.aptPackage))];
}

/** The one command a person runs to install `packages`. */
export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

/** One line for a missing program: what is missing and the install command. */
export function missingLine(tool: SystemTool): string {
  return `${tool.commands[0]} not found on PATH; install it with: ${installCommand([tool.aptPackage])}`;
}
