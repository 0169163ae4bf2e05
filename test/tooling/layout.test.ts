/**
 * The layout rules a newcomer relies on (the team's conventions; docs/architecture.md): no source file over
 * 300 lines, and no class file beside a folder of the same name (`wallet.ts`
 * next to `wallet/` hides which one holds what). Generated type files are not
 * source. The import-layer rules are dependency-cruiser's (`npm run layers`).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../dev/stack.ts";

const MAX_LINES = 300;

function trackedSources(): string[] {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.cjs"], { cwd: ROOT, encoding: "utf8" });
  return listed.split("\n").filter((file) => file && !file.endsWith(".d.ts") && existsSync(join(ROOT, file)));
}

describe("source layout (happy)", () => {
  it(`has no source file over ${MAX_LINES} lines`, () => {
    const tooLong = trackedSources()
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(tooLong).toEqual([]);
  });

  it("has no file beside a folder of the same name", () => {
    const clashes = trackedSources()
      .filter((file) => !file.endsWith(".test.ts"))
      .filter((file) => {
        const folder = join(ROOT, file.replace(/\.(ts|cjs)$/, ""));
        return existsSync(folder) && statSync(folder).isDirectory();
      });
    expect(clashes).toEqual([]);
  });
});
