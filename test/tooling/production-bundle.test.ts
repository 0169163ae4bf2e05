/**
 * The production bundle, as `wrangler deploy` would upload it, holds no bench
 * or fault route and no test hook; the testing Worker's bundle holds each of
 * them, which proves the markers are real text of the code they mark.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../dev/paths.ts";
import { runToCompletion } from "../../dev/process.ts";
import { TESTING_ONLY_BUNDLE_MARKERS } from "../testing-worker/surface.ts";

const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const outDirs: string[] = [];

/** `wrangler deploy --dry-run --outdir` for one config; the text of every JavaScript file it wrote. */
async function bundleOf(config: string): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "qingyu-bundle-"));
  outDirs.push(outDir);
  await runToCompletion(`bundle ${config}`, process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outDir, "-c", join(ROOT, config)], {
    cwd: ROOT,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  const files = (await readdir(outDir, { recursive: true })).filter((file) => /\.(m?js|cjs)$/.test(file));
  expect(files.length, `wrangler wrote no JavaScript to ${outDir}`).toBeGreaterThan(0);
  return (await Promise.all(files.map((file) => readFile(join(outDir, file), "utf8")))).join("\n");
}

afterAll(async () => {
  await Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("production bundle (security)", () => {
  it("contains no bench or fault route and no *ForTest hook, while the testing Worker's bundle contains each", { timeout: 120_000 }, async () => {
    const production = await bundleOf("wrangler.toml");
    const testing = await bundleOf("wrangler.testing.toml");
    // The same app is in both: a bundle without it would pass the first check for the wrong reason.
    for (const bundle of [production, testing]) expect(bundle).toContain("/api/v1/internal/quota/");
    for (const marker of TESTING_ONLY_BUNDLE_MARKERS) {
      expect(testing, `the testing bundle lacks "${marker}": update TESTING_ONLY_BUNDLE_MARKERS`).toContain(marker);
      expect(production, `the production bundle contains "${marker}"`).not.toContain(marker);
    }
  });
});
