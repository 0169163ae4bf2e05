/**
 * Copies Swagger UI's script and stylesheet from the swagger-ui-dist package
 * into vendor/swagger-ui/ as `.txt` files, which wrangler bundles as Text
 * modules; src/routes/docs-assets.ts serves them, so /docs works with no CDN
 * (and on machines without internet). Not static assets: an `[assets]` binding
 * puts the asset router in front of every request, which cost a no-op route
 * about a third of its throughput locally (docs/benchmarks.md).
 */
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];

/**
 * Copies a file unless the target already has the same bytes. A running
 * `wrangler dev` watches these files and restarts its Worker when they are
 * written, so starting a second stack (the tests, the bench) next to a running
 * one must not rewrite them: that restart failed a bench run mid-request.
 */
async function copyIfChanged(from: string, to: string): Promise<void> {
  const [wanted, present] = await Promise.all([readFile(from), readFile(to).catch(() => undefined)]);
  if (present === undefined || !wanted.equals(present)) await copyFile(from, to);
}

/** Copies the files if needed; returns the target folder. */
export async function vendorSwaggerUi(root = join(dirname(fileURLToPath(import.meta.url)), "..")): Promise<string> {
  const require = createRequire(join(root, "package.json"));
  const source = dirname(require.resolve("swagger-ui-dist/package.json"));
  const target = join(root, "vendor", "swagger-ui");
  await mkdir(target, { recursive: true });
  await Promise.all(FILES.map((file) => copyIfChanged(join(source, file), join(target, `${file}.txt`))));
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = await vendorSwaggerUi();
  console.log(`swagger-ui assets copied to ${target}`);
}
