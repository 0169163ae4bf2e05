import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEV_EXAMPLE_SECRETS } from "../../src/production-guard";

const ROOT = join(import.meta.dirname, "..", "..");

describe(".dev.vars.example and the production guard", () => {
  it("the guard knows every secret the example file publishes, with its exact value", () => {
    const vars = Object.fromEntries(
      readFileSync(join(ROOT, ".dev.vars.example"), "utf8")
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const secrets = Object.fromEntries(Object.entries(vars).filter(([name]) => /TOKEN|SECRET|KEYS?$/.test(name)));
    expect(DEV_EXAMPLE_SECRETS).toEqual(secrets);
  });
});
