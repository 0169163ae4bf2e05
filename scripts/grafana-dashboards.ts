/**
 * Writes monitoring/grafana/dashboards/*.json from scripts/grafana/dashboards-*.ts.
 * `--check` writes nothing and exits 1 when a committed file differs (the
 * monitoring test suite runs it). Usage: node scripts/grafana-dashboards.ts [--check]
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "../dev/stack.ts";
import { dashboardJson, type DashboardSpec } from "./grafana/build.ts";
import { auth, overview, quota } from "./grafana/dashboards-app.ts";
import { infrastructure, wallet } from "./grafana/dashboards-ops.ts";

/** Every dashboard and its file name. */
export const DASHBOARDS: Array<[string, DashboardSpec]> = [
  ["overview.json", overview],
  ["auth.json", auth],
  ["quota.json", quota],
  ["wallet.json", wallet],
  ["infrastructure.json", infrastructure],
];

export const DASHBOARD_DIR = join(ROOT, "monitoring", "grafana", "dashboards");

if (import.meta.main) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [file, spec] of DASHBOARDS) {
    const path = join(DASHBOARD_DIR, file);
    const json = JSON.stringify(dashboardJson(spec), null, 2) + "\n";
    if (check) {
      const current = await readFile(path, "utf8").catch(() => "");
      if (current !== json) {
        stale += 1;
        console.error(`${file} is out of date: run node scripts/grafana-dashboards.ts`);
      }
    } else {
      await writeFile(path, json);
      console.log(`wrote monitoring/grafana/dashboards/${file}`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
