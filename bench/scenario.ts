/**
 * What a benchmark scenario is, and small helpers for writing one: the context
 * handed to setup (URLs, a JSON fetch, a per-run memo for shared fixtures) and
 * a round-robin request that rotates over many users.
 */
import type autocannon from "autocannon";
import type { Json } from "../contract/runtime-config/merge-patch.ts";

/**
 * One request of a scenario's list (autocannon's `requests` entry). Entries run in
 * order on each connection; `onResponse` may keep what a later entry needs in the
 * per-connection context (e.g. a reservation id for its commit).
 */
export type BenchRequest = autocannon.Request;

/** The request autocannon is about to send, as `setupRequest` receives and returns it. */
export type BuiltRequest = autocannon.BuiltRequest;

/** Pass/miss limits against the scenario's baseline, measured in the same run. */
export interface Targets {
  /** reqPerSec / baseline reqPerSec must be at least this. */
  minThroughputRatio?: number;
  /** reqPerSec / baseline reqPerSec must be at most this (a peer that must be slower than the baseline). */
  maxThroughputRatio?: number;
  /** p50 / baseline p50 must be at most this (latency that must stay flat as data grows). */
  maxP50Ratio?: number;
  /** p99 / baseline p99 must be at most this. */
  maxP99Ratio?: number;
}

/** Options of {@link ScenarioContext.fetchJson}. */
export interface FetchJsonInit {
  method?: string;
  /** Sent as JSON (sets content-type). */
  json?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** What setup and request builders get. */
export interface ScenarioContext {
  apiUrl: string;
  /** The bare reference Worker (bench/reference/), started beside the stack. */
  referenceUrl: string;
  bridgeUrl: string;
  /** The Upstash REST bridge's bearer token. */
  redisToken: string;
  /**
   * Fetches JSON from a path on the API (or an absolute URL). Throws with the
   * status and body on a non-2xx answer, so a broken setup stops loudly instead
   * of benchmarking error responses. The result is not validated: `T` is a claim.
   */
  fetchJson<T = unknown>(pathOrUrl: string, init?: FetchJsonInit): Promise<T>;
  /**
   * Runs `make` once per bench run for `key` and shares its promise, so several
   * scenarios can reuse one fixture (e.g. 1,000 registered users) instead of each
   * creating its own.
   */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** A progress line on the console (`[bench] ...`). */
  progress(line: string): void;
}

interface ScenarioBase {
  /** Unique; used in BENCH_ONLY, the table and the JSON. */
  name: string;
  description: string;
  /** The scenario whose req/s and latencies this one's ratios are against; default "noop". */
  baseline?: string;
  /** More scenarios to report ratios against (no targets), e.g. a scaling run against the DO floor too. */
  alsoVs?: readonly string[];
  targets?: Targets;
  /** Base URL autocannon connects to; default the API Worker. */
  url?(ctx: ScenarioContext): string;
  /**
   * A runtime-config merge patch in force while this scenario runs (warm-up
   * included), undone right after: e.g. `{ metrics: { recording: false } }`
   * measures the same stack with recording paused.
   */
  runtimeConfig?: RuntimeConfigPatch;
  /** Untimed work right before each measured run (after `runtimeConfig` is in force), e.g. waking the objects it calls. */
  beforeRun?(ctx: ScenarioContext): Promise<void>;
  /** A longer warm-up than the run's (BENCH_WARMUP_S) for this scenario, in seconds. */
  minWarmupS?: number;
  /**
   * The group of Durable Objects this scenario keeps awake (e.g. "quota-users"). Local workerd closes an
   * object 5-11 s after its last call, so a run of another group (or of none) waits until that is over:
   * otherwise it would pay, in its measured seconds, for closing objects it never used.
   */
  objects?: string;
}

/** A runtime-config merge patch (JSON). */
export type RuntimeConfigPatch = { [key: string]: Json };

/** A scenario without fixtures. */
export interface StatelessScenario extends ScenarioBase {
  setup?: undefined;
  requests(ctx: ScenarioContext): BenchRequest[];
}

/** A scenario whose `setup` prepares state (users, tokens, ids) before the warm-up; not timed. */
export interface StatefulScenario<S> extends ScenarioBase {
  setup(ctx: ScenarioContext): Promise<S>;
  requests(ctx: ScenarioContext, state: S): BenchRequest[];
}

/** A registry entry: the scenario with its state type erased behind `prepare`. */
export interface RegisteredScenario {
  name: string;
  description: string;
  baseline: string;
  alsoVs: readonly string[];
  targets?: Targets;
  runtimeConfig?: RuntimeConfigPatch;
  beforeRun?(ctx: ScenarioContext): Promise<void>;
  minWarmupS?: number;
  objects?: string;
  url(ctx: ScenarioContext): string;
  /** Runs setup (if any) and returns the request list. */
  prepare(ctx: ScenarioContext): Promise<BenchRequest[]>;
}

/** The default baseline: the cheapest route through the whole middleware stack. */
export const DEFAULT_BASELINE = "noop";

/** Turns a scenario definition into a registry entry (keeps `setup`'s state type checked against `requests`). */
export function defineScenario<S>(spec: StatelessScenario | StatefulScenario<S>): RegisteredScenario {
  return {
    name: spec.name,
    description: spec.description,
    baseline: spec.baseline ?? DEFAULT_BASELINE,
    alsoVs: spec.alsoVs ?? [],
    targets: spec.targets,
    runtimeConfig: spec.runtimeConfig,
    beforeRun: spec.beforeRun,
    minWarmupS: spec.minWarmupS,
    objects: spec.objects,
    url: (ctx) => spec.url?.(ctx) ?? ctx.apiUrl,
    prepare: async (ctx) => (spec.setup === undefined ? spec.requests(ctx) : spec.requests(ctx, await spec.setup(ctx))),
  };
}

/**
 * One request entry that sends a different request each time, rotating over
 * `items` (e.g. 1,000 users' tokens). The counter is shared by all connections,
 * so the users are spread evenly over the whole run, not per connection.
 *
 * @example roundRobin(users, (user) => ({ path: "/api/v1/user/profile", headers: { authorization: `Bearer ${user.token}` } }))
 */
export function roundRobin<T>(items: readonly T[], build: (item: T) => BenchRequest): BenchRequest[] {
  if (items.length === 0) throw new Error("roundRobin needs at least one item");
  let next = 0;
  return [
    {
      setupRequest: (request) => {
        const item = items[next % items.length] as T;
        next += 1;
        const built = build(item);
        // Merged over what autocannon built so the defaults (host, method) stay unless the item overrides them.
        return { ...request, ...built, headers: { ...request.headers, ...built.headers } };
      },
    },
  ];
}

/**
 * Warm-up of every scenario that rotates over a group of 1,000 objects (quota
 * users, wallets, the reference's objects), the same on both sides of a ratio: long enough to visit every user about three times (~500 req/s).
 * With the run's 2 s, each user was visited about once, so a run that came
 * after a non-quota one (its users' plan roles over 30 s old, read again from
 * D1 on the request path; the objects' pages cold) paid for that in its
 * measured seconds: consume with metrics on, which came right after the no-op
 * RPC in every other round, measured about 7 % more CPU per request than its
 * metrics-off twin, which always came after a consume run. With 6 s the two
 * measured the same in focused runs (2026-11-27; see docs/benchmarks.md for full runs).
 */
export const OBJECTS_WARMUP_S = 6;

/** Maps with at most `limit` calls in flight (setup of many users without flooding wrangler dev). */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let cursor = 0;
  const worker = async () => {
    while (cursor < items.length) {
      const index = cursor++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
