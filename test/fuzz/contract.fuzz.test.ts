/**
 * Fuzzing from the contract: every operation in the running stack's
 * /openapi.json gets seeded, reproducible requests, valid and broken, and
 * every answer must keep the contract (see checks.ts). The seed is printed at
 * the start and in every failure; replay with FUZZ_SEED (and FUZZ_ONLY for one
 * operation), run longer with FUZZ_RUNS (requests in this phase).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { apiUrl } from "../support/http.ts";
import { ContractChecks } from "./checks.ts";
import { guardRuntimeConfig } from "./config-guard.ts";
import { loadContract } from "./contract.ts";
import { Cast } from "./cast.ts";
import { requestArbitrary, type RequestOptions } from "./request-arbitrary.ts";
import { ResponseValidator } from "./response-validator.ts";
import type { FuzzRequest } from "./request-model.ts";
import { allowProblems, routingArbitrary, routingVariants } from "./routing.ts";
import { exercise, fuzzOperation, mapConcurrently, type FuzzContext, type OperationOutcome } from "./runner.ts";
import { fuzzSettings } from "./settings.ts";
import { FuzzStats } from "./stats.ts";

const settings = fuzzSettings(inject("stateDir"));
const contract = await loadContract(apiUrl());
/** FUZZ_ONLY: the operation with exactly that key, else every operation whose key contains it. */
const exact = contract.operations.filter((operation) => operation.key === settings.only);
const operations = exact.length > 0 ? exact : contract.operations.filter((operation) => !settings.only || operation.key.includes(settings.only));
const ROUTING = "routing: undocumented methods and made-up paths";
const routing = routingVariants(contract);
const routingRuns = settings.only && !ROUTING.includes(settings.only) ? 0 : Math.max(100, Math.round(settings.requests * 0.05));
const runsPerOperation = Math.max(settings.minRunsPerOperation, Math.ceil((settings.requests - routingRuns) / Math.max(1, operations.length)));
const POOL_SIZE = 6;
/** Time budget per request (with 8 in flight, logins that hash a password take ~0.3 s on this machine). */
const MS_PER_REQUEST = 1_000;
const options: RequestOptions = { poolSize: POOL_SIZE, owners: ["self", "self", "other", "admin"], matchingAuthOnly: false, validShare: 0.4, breakRate: 0.35 };

const outcomes = new Map<string, OperationOutcome>();
const stats = new FuzzStats();

describe("contract fuzzing of /openapi.json", () => {
  beforeAll(
    async () => {
      console.log(
        `[fuzz] seed ${settings.seed} (replay: FUZZ_SEED=${settings.seed}); ${operations.length} operations × ${runsPerOperation} + ${routingRuns} routing requests`,
      );
      const cast = await Cast.create(apiUrl(), inject("stateDir"), POOL_SIZE, { secretsStayWithCaller: false });
      const context: FuzzContext = { cast, checks: new ContractChecks(contract, new ResponseValidator(), cast), stats };
      const routingProperty = async (request: FuzzRequest) => {
        const variant = routing.get(request.operation);
        if (variant) await exercise(request, variant.operation, context, { check: (exchange) => allowProblems(exchange, contract), statsKey: ROUTING });
      };
      const restoreConfig = await guardRuntimeConfig(apiUrl(), () => cast.admin.token);
      try {
        const jobs = [
          ...operations.map(
            (operation) => () =>
              fuzzOperation(
                operation,
                requestArbitrary(operation, options),
                { runs: runsPerOperation, baseSeed: settings.seed, msPerRun: MS_PER_REQUEST },
                (request) => exercise(request, operation, context),
              ),
          ),
          ...(routingRuns > 0
            ? [
                () =>
                  fuzzOperation(
                    { key: ROUTING },
                    routingArbitrary(routing, options),
                    { runs: routingRuns, baseSeed: settings.seed, msPerRun: MS_PER_REQUEST },
                    routingProperty,
                  ),
              ]
            : []),
        ];
        for (const outcome of await mapConcurrently(jobs, settings.concurrency, (job) => job())) {
          outcomes.set(outcome.key, outcome);
          if (outcome.interrupted) console.warn(`[fuzz] ${outcome.key}: stopped by its time limit after ${outcome.runs} requests`);
        }
        console.log(`[fuzz] ${cast.relogins} re-logins after sessions the fuzzer revoked, ${cast.replacements} cast members replaced`);
      } finally {
        await restoreConfig();
      }
    },
    600_000 + settings.requests * 200,
  );

  afterAll(() => {
    console.log(stats.summary(settings.seed));
    const untested = stats.neverSucceeded();
    if (untested.length > 0) console.log(`[fuzz] never answered 2xx (success path not reached):\n  ${untested.join("\n  ")}`);
    if (stats.notes.size > 0) console.log(`[fuzz] error statuses the document does not list:\n  ${[...stats.notes].sort().join("\n  ")}`);
  });

  it("the document is valid OpenAPI 3.1", () => {
    expect(contract.validationErrors).toEqual([]);
  });

  it.each(operations.map((operation) => operation.key))("%s keeps the contract under fuzzing", (key) => {
    const outcome = outcomes.get(key);
    expect(outcome, "the operation was not fuzzed").toBeDefined();
    expect(outcome?.failure, outcome?.failure).toBeUndefined();
  });

  it.runIf(routingRuns > 0)("undocumented methods answer 405 with Allow, made-up paths 404, both in the envelope", () => {
    const outcome = outcomes.get(ROUTING);
    expect(outcome?.failure, outcome?.failure).toBeUndefined();
  });

  it.runIf(!settings.only)("sends at least the requested number of requests", () => {
    expect(stats.requests).toBeGreaterThanOrEqual(Math.min(settings.requests, 3_000));
  });
});
