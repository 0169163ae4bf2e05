/**
 * Fault-injection hooks inside the Durable Objects (a crash, a slow read) for
 * the fault tests in `test/faults/`. They work only in a Worker started with
 * ENABLE_BENCH_ROUTES=true, the same flag that gates the routes reaching them
 * (`src/routes/faults.ts`). Checking it here too is a second fence: any Worker
 * bound to the class (the exporter is) could call the RPC methods directly.
 */
export function testHooksEnabled(env: Env): boolean {
  // Not a declared var: it is off unless a test or bench stack sets it (see src/config.ts).
  return (env as unknown as Record<string, unknown>).ENABLE_BENCH_ROUTES === "true";
}

/** What a hook answers where hooks are off: a value, not a throw, as every other RPC failure here. */
export const HOOKS_OFF = { refused: "test hooks are off (ENABLE_BENCH_ROUTES is not true)" } as const;
