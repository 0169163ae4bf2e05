/**
 * Knobs of the contract fuzzer, read from the environment so a failing run can
 * be replayed (`FUZZ_SEED`) and a longer one asked for (`FUZZ_RUNS`).
 */

/** What one fuzz run does. */
export interface FuzzSettings {
  /** Base seed; every operation derives its own seed from it, so one operation can be replayed alone. */
  seed: number;
  /** Requests the contract phase sends, spread over every operation in the document. */
  requests: number;
  /** Fewest generated requests per operation, however many operations there are. */
  minRunsPerOperation: number;
  /** Requests in flight at once (loopback; the machine has 2 cores). */
  concurrency: number;
  /** Sequences user A runs against user B in the isolation phase. */
  isolationRuns: number;
  /** Only operations whose `METHOD /path` contains this string (for replaying one). */
  only: string | undefined;
}

const DEFAULT_REQUESTS = 3_200;

function integerFrom(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`${name} must be an integer, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Reads `FUZZ_SEED`, `FUZZ_RUNS` (contract-phase requests, default 3,200) and
 * `FUZZ_ONLY`. Without `FUZZ_SEED` the seed comes from `runKey`, something
 * unique to the run that every test file sees alike (the stack's temporary
 * state folder), so all files of one run share one seed.
 */
export function fuzzSettings(runKey: string, env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seed = integerFrom(env.FUZZ_SEED, "FUZZ_SEED") ?? operationSeed(0, runKey);
  const requests = Math.max(100, integerFrom(env.FUZZ_RUNS, "FUZZ_RUNS") ?? DEFAULT_REQUESTS);
  return {
    seed,
    requests,
    minRunsPerOperation: 25,
    concurrency: 8,
    isolationRuns: Math.max(10, Math.round(requests / 128)),
    only: env.FUZZ_ONLY || undefined,
  };
}

/** A stable 32-bit seed per operation: the base seed mixed with the operation's key (FNV-1a). */
export function operationSeed(baseSeed: number, key: string): number {
  let hash = 0x811c9dc5 ^ baseSeed;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
