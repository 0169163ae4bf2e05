/**
 * wrangler.testing.toml must describe the same Worker as wrangler.toml but
 * for its entry: the bench and the fault tests measure and break the testing
 * Worker, so a binding, var, migration, trigger or compatibility setting that
 * only production has would make them test something else.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";
import { ROOT } from "../../dev/paths.ts";
import { configDifferences } from "./config-diff.ts";

const PRODUCTION = "wrangler.toml";
const TESTING = "wrangler.testing.toml";

/**
 * The keys allowed to differ, each with its reason. `name` is not here: the
 * exporter binds MetricsShard with `script_name = "qingyu-api"`, and local
 * Durable Object state is kept per script name, so both must be the same.
 */
const ALLOWED_DIFFERENCES: Readonly<Record<string, string>> = {
  main: "the testing entry (test/testing-worker/index.ts) mounts the bench and fault routes and exports the hooked objects",
};

function rawConfig(file: string): Record<string, unknown> {
  return experimental_readRawConfig({ config: join(ROOT, file) }).rawConfig as Record<string, unknown>;
}

function withoutAllowed(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !(key in ALLOWED_DIFFERENCES)));
}

describe("wrangler.testing.toml mirrors wrangler.toml (drift)", () => {
  it("has the same bindings, vars, migrations, triggers and compatibility settings; only `main` differs", () => {
    const production = rawConfig(PRODUCTION);
    const testing = rawConfig(TESTING);
    const differences = configDifferences(withoutAllowed(production), withoutAllowed(testing), { left: PRODUCTION, right: TESTING });
    expect(differences, `copy these from ${PRODUCTION} to ${TESTING}:\n${differences.join("\n")}`).toEqual([]);
    // Not vacuous: both files were read and carry the settings the comparison is about.
    expect(production.durable_objects).toBeDefined();
    expect(production.migrations).toBeDefined();
    expect(production.vars).toBeDefined();
  });

  it("points `main` at the testing entry, and production at src/index.ts", () => {
    expect(rawConfig(PRODUCTION).main).toBe("src/index.ts");
    expect(rawConfig(TESTING).main).toBe("test/testing-worker/index.ts");
  });

  it("names each difference it finds (the message a drift fails with)", () => {
    const production = { vars: { A: "1", B: "2" }, durable_objects: { bindings: [{ name: "X", class_name: "X" }] } };
    const testing = { vars: { A: "1" }, durable_objects: { bindings: [{ name: "X", class_name: "Y" }] }, triggers: { crons: ["* * * * *"] } };
    expect(configDifferences(production, testing, { left: PRODUCTION, right: TESTING })).toEqual([
      `durable_objects.bindings[0].class_name: ${PRODUCTION} has "X", ${TESTING} has "Y"`,
      `triggers: ${PRODUCTION} has nothing, ${TESTING} has {"crons":["* * * * *"]}`,
      `vars.B: ${PRODUCTION} has "2", ${TESTING} has nothing`,
    ]);
  });
});
