/**
 * The soak's 60 s version (`npm run soak` runs 10 minutes): its own stack, 200
 * users of ordinary traffic, 10 attackers after a 15 s baseline. Its figures
 * go to a temporary file; `npm run soak` writes bench/results/soak.json.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../dev/stack.ts";

type SoakReport = {
  serverErrors: number;
  requests: Record<string, { requests: number; byStatus: Record<string, number> }>;
  bounds: Record<string, { ok: boolean; limit: number; actual: number | null }>;
  invariants: { ok: boolean; problems: string[] };
  p99: { ratio: number; baselineMs: number; attackMs: number };
};

describe("soak under attack, 60 s (e2e)", () => {
  it("no 5xx, every attack answered with a refusal, state bounded, invariants hold", { timeout: 240_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "qingyu-soak-result-"));
    const file = join(dir, "soak.json");
    try {
      const child = spawn(process.execPath, ["scripts/soak/run.ts"], {
        cwd: ROOT,
        env: { ...process.env, SOAK_SECONDS: "60", SOAK_BASELINE_SECONDS: "15", SOAK_RESULTS_FILE: file },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += String(chunk)));
      child.stderr.on("data", (chunk) => (output += String(chunk)));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      const report = JSON.parse(await readFile(file, "utf8")) as SoakReport;
      console.log(output.split("\n").filter((line) => line.startsWith("[soak]") && !line.includes("stack:")).join("\n"));
      expect(report.serverErrors).toBe(0);
      expect(report.invariants.problems).toEqual([]);
      expect(report.invariants.ok).toBe(true);
      for (const [name, bound] of Object.entries(report.bounds)) expect(bound.ok, `${name}: ${bound.actual} > ${bound.limit}`).toBe(true);
      // The attacks were refused, not served: the throttles and limits answered 429, the stream refused reused tickets and JWTs in the URL.
      expect(report.requests["attack:login-race"]?.byStatus["429"] ?? 0).toBeGreaterThan(0);
      expect(report.requests["attack:logout-replay"]?.byStatus["429"] ?? 0).toBeGreaterThan(0);
      expect(report.requests["attack:stream-ticket"]?.byStatus["401"] ?? 0).toBeGreaterThan(0);
      expect(report.requests["ordinary:quota-consume"]?.byStatus["200"] ?? 0).toBeGreaterThan(0);
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
