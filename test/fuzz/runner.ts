/**
 * Runs one fast-check property per operation, several operations at once
 * (each property is sequential, so at most `concurrency` requests are in
 * flight), and collects every failure instead of stopping at the first.
 */
import fc from "fast-check";
import type { Operation } from "./contract.ts";
import type { Cast } from "./cast.ts";
import { describeExchange, type Exchange, type FuzzRequest } from "./request-model.ts";
import type { ContractChecks } from "./checks.ts";
import { materialize, send } from "./send.ts";
import { operationSeed } from "./settings.ts";
import type { FuzzStats } from "./stats.ts";

/** How one operation's property ended. */
export interface OperationOutcome {
  key: string;
  seed: number;
  runs: number;
  /** The time limit stopped it before all its runs (a slow stack; see `msPerRun`). */
  interrupted: boolean;
  /** fast-check's report (seed, path, shrunk counterexample) plus the exchange, when it failed. */
  failure: string | undefined;
}

/** Everything a property needs to send a request and judge the answer. */
export interface FuzzContext {
  cast: Cast;
  checks: ContractChecks;
  stats: FuzzStats;
}

/** Sends one request, lets the cast follow it, and throws with the exchange when a property breaks. */
export async function exercise(
  request: FuzzRequest,
  operation: Operation,
  context: FuzzContext,
  extra: { check?: (exchange: Exchange) => string[]; statsKey?: string } = {},
): Promise<Exchange> {
  const sent = materialize(request, operation, context.cast);
  const exchange = await send(sent, request).catch((error: unknown) => {
    throw new Error(`no answer to ${sent.method} ${sent.url.slice(0, 300)}: ${error instanceof Error ? error.message : String(error)}`);
  });
  context.stats.record(extra.statsKey ?? operation.key, exchange.status, request.mutations.length === 0, exchange.ms);
  // Judge before the cast follows the exchange: the leak check needs the credentials as they were when sent.
  const verdict = context.checks.check(exchange);
  await context.cast.observe(exchange);
  for (const note of verdict.notes) context.stats.notes.add(note);
  const problems = [...verdict.problems, ...(extra.check?.(exchange) ?? [])];
  if (problems.length > 0) throw new Error(`${problems.join("; ")}\n${describeExchange(exchange)}`);
  return exchange;
}

/** How many cases one property runs, under which base seed, and how long one case may take on average. */
export interface RunPlan {
  runs: number;
  baseSeed: number;
  /** Budget per case: the property stops after max(60 s, runs × this), so a failing shrink against the live stack stays bounded. */
  msPerRun: number;
}

/** Runs `plan.runs` generated cases (requests, usually) for one operation under its own seed. */
export async function fuzzOperation<T>(
  operation: Pick<Operation, "key">,
  arbitrary: fc.Arbitrary<T>,
  plan: RunPlan,
  property: (value: T) => Promise<unknown>,
): Promise<OperationOutcome> {
  const { runs, baseSeed } = plan;
  const seed = operationSeed(baseSeed, operation.key);
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      await property(value);
    }),
    { seed, numRuns: runs, interruptAfterTimeLimit: Math.max(60_000, runs * plan.msPerRun), markInterruptAsFailure: false },
  );
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? "");
  const failure = details.failed
    ? `${operation.key}\nreplay: FUZZ_SEED=${baseSeed} FUZZ_ONLY="${operation.key}"\n${error}\n\n${fc.defaultReportMessage(details) ?? "failed"}`
    : undefined;
  return { key: operation.key, seed, runs: details.numRuns, interrupted: details.interrupted, failure };
}

/** Maps `items` through `work` with at most `limit` running at once, keeping order. */
export async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
