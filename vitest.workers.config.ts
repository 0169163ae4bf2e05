/**
 * Unit and integration tests inside workerd (@cloudflare/vitest-plugin): the
 * production API Worker (wrangler.toml, src/index.ts) with its real Durable
 * Objects and D1, talking to a real redis-server through the Upstash REST
 * bridge that the global setup starts. The testing Worker's own tests (bench
 * and fault routes, object hooks) run in vitest.testing-worker.config.ts.
 */
import { defineConfig } from "vitest/config";
import { workersPool, WORKERS_TEST_SETUP } from "./test/setup/workers-pool.ts";

export default defineConfig({
  plugins: [workersPool("./wrangler.toml")],
  test: {
    name: "workers",
    include: ["src/**/*.test.ts", "durable-objects/**/*.test.ts", "contract/**/*.test.ts"],
    ...WORKERS_TEST_SETUP,
  },
});
