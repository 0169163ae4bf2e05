/**
 * Tests that run in Node: the Upstash bridge's own tests and the end-to-end
 * tests against the real local stack (started once by the global setup).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "node",
    include: ["test/**/*.test.ts"],
    // Those run inside workerd, against the testing Worker (vitest.testing-worker.config.ts).
    exclude: ["test/testing-worker/**"],
    environment: "node",
    globalSetup: ["./test/setup/stack.global.ts"],
    // One file at a time: several start their own redis-server or stack, and the machine has 2 cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
