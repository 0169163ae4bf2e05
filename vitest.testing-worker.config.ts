/**
 * Tests of the testing Worker (wrangler.testing.toml, test/testing-worker/)
 * inside workerd: its bench and fault routes, its object hooks, and that it
 * serves exactly the production app plus those routes. Same pool and bindings
 * as vitest.workers.config.ts; only the Worker differs.
 */
import { defineConfig } from "vitest/config";
import { workersPool, WORKERS_TEST_SETUP } from "./test/setup/workers-pool.ts";

export default defineConfig({
  plugins: [workersPool("./wrangler.testing.toml")],
  test: {
    name: "testing-worker",
    include: ["test/testing-worker/**/*.test.ts"],
    ...WORKERS_TEST_SETUP,
  },
});
