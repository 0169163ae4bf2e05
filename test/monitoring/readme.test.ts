/** The README documents every metric family exactly as the registry defines it. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../dev/stack.ts";
import { metricsTable } from "../../scripts/metrics-table.ts";

describe("README metric table (happy)", () => {
  it("matches src/metrics/definitions.ts (regenerate with node scripts/metrics-table.ts)", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(metricsTable());
  });
});
