/**
 * scripts/setup.ts on a machine without the system programs: with a PATH that
 * holds none of them, it names every one, prints the one apt-get command that
 * installs them all, and exits non-zero (with --check it never tries to install).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../dev/paths.ts";
import { aptPackages, installCommand, SYSTEM_TOOLS } from "../../dev/tools.ts";

let emptyPath = "";
beforeAll(async () => {
  emptyPath = await mkdtemp(join(tmpdir(), "qingyu-setup-path-"));
});
afterAll(async () => {
  await rm(emptyPath, { recursive: true, force: true });
});

function setup(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "setup.ts"), ...args, "--check"], { env: { ...process.env, PATH: emptyPath, QINGYU_SKIP_SETUP: "" }, encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe("scripts/setup.ts without the tools on PATH (error)", () => {
  it("test: names every missing program and prints the one install command", () => {
    const { status, output } = setup("test");
    expect(status).toBe(1);
    for (const name of ["redis-server", "prometheus", "promtool", "prometheus-alertmanager", "amtool", "chromium"]) expect(output).toMatch(new RegExp(`\\b${name}\\b`));
    expect(output).toContain(installCommand(aptPackages(SYSTEM_TOOLS)));
  });

  it("dev: stops only for redis-server and warns about the optional monitoring programs", () => {
    const { status, output } = setup("dev");
    expect(status).toBe(1);
    expect(output).toContain(`missing: redis-server.`);
    expect(output).toContain(installCommand(["redis-server"]));
    expect(output).toContain("optional for npm run dev, not found: prometheus, prometheus-alertmanager");
    expect(output).not.toMatch(/missing: [^\n]*chromium/);
  });
});
