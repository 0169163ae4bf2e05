/**
 * Cross-user isolation under fuzzing: user A sends generated sequences of
 * requests through every user route, aimed at user B's ids wherever a route
 * takes one, and B's state (every user GET in the document, read with B's
 * token) must not change, except for wallet transfers A made to B, which must
 * credit B exactly. A's responses must never show B's username, email or
 * session (checks.ts). Seeded like the contract phase (FUZZ_SEED, FUZZ_RUNS).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { apiUrl } from "../support/http.ts";
import { login } from "../support/users.ts";
import { Cast } from "./cast.ts";
import { ContractChecks } from "./checks.ts";
import { loadContract, type Operation } from "./contract.ts";
import { comparable, creditedTo, differences, readState, stateReads, walletBalanceOf, type UserState } from "./isolation.ts";
import { requestArbitrary, type RequestOptions } from "./request-arbitrary.ts";
import type { Exchange } from "./request-model.ts";
import { ResponseValidator } from "./response-validator.ts";
import { exercise, fuzzOperation, type FuzzContext } from "./runner.ts";
import { fuzzSettings } from "./settings.ts";
import { FuzzStats } from "./stats.ts";

const settings = fuzzSettings(inject("stateDir"));
const contract = await loadContract(apiUrl());
/** Every route a signed-in user may call (admin routes act on other users by design). */
const userOperations = new Map<string, Operation>(
  contract.operations.filter((operation) => operation.caller === "user" && !operation.path.includes("/admin/")).map((operation) => [operation.key, operation]),
);
const reads = stateReads(contract);
/** A is pool user 0 and always the caller; B is pool user 1, whose ids the references mostly point at. */
const options: RequestOptions = { poolSize: 2, selfIndex: 0, owners: ["other", "other", "self"], matchingAuthOnly: true, validShare: 0.6, breakRate: 0.35 };
const KEY = "isolation: A's requests never read or change B's state";
/** How long a transfer's credit may take to reach the recipient (outbox delivery). */
const CREDIT_TIMEOUT_MS = 10_000;
const stepArbitrary = fc.constantFrom(...userOperations.values()).chain((operation) => requestArbitrary(operation, options));

let cast: Cast;
let context: FuzzContext;
const stats = new FuzzStats();

describe("cross-user isolation under fuzzing", () => {
  beforeAll(async () => {
    cast = await Cast.create(apiUrl(), inject("stateDir"), 2, { secretsStayWithCaller: true });
    context = { cast, checks: new ContractChecks(contract, new ResponseValidator(), cast), stats };
    const b = cast.users[1];
    if (!b) throw new Error("no user B");
    // B on two more devices, so B has sessions besides the one the state reads use.
    for (let device = 0; device < 2; device++) await login(b.username, b.password, apiUrl());
  }, 120_000);

  it.runIf(!settings.only || KEY.includes(settings.only))(
    "A's requests through every user route change B's state only by A's transfers to B",
    async () => {
      const [a, b] = cast.users;
      if (!a || !b) throw new Error("the isolation cast needs two users");
      // Each run starts from the state the previous one ended with (it must be unchanged anyway): half the reads.
      let state: UserState = await readState(cast, b, reads);
      const outcome = await fuzzOperation(
        { key: KEY },
        fc.array(stepArbitrary, { minLength: 1, maxLength: 8 }),
        // A sequence is up to 8 requests plus 14-odd state reads, some waiting out the wallet's per-user rate limit.
        { runs: settings.isolationRuns, baseSeed: settings.seed, msPerRun: 5_000 },
        async (requests) => {
          const before = state;
          const exchanges: Exchange[] = [];
          for (const request of requests) {
            const operation = userOperations.get(request.operation);
            if (operation) exchanges.push(await exercise(request, operation, context));
          }
          const expected = (walletBalanceOf(before) ?? 0) + creditedTo(exchanges, b.userId);
          state = await readState(cast, b, reads);
          if (walletBalanceOf(before) !== undefined && walletBalanceOf(state) !== expected) {
            const settled = async () => walletBalanceOf((state = await readState(cast, b, reads))) === expected;
            await waitFor(settled, { timeoutMs: CREDIT_TIMEOUT_MS, intervalMs: 250, what: "B's credit" }).catch(() => undefined);
          }
          const problems = differences(comparable(before, a.userId), comparable(state, a.userId));
          if (walletBalanceOf(before) !== undefined && walletBalanceOf(state) !== expected) {
            problems.push(`B's balance is ${walletBalanceOf(state)} fen, expected ${expected} (before + A's transfers to B)`);
          }
          if (problems.length > 0) {
            const sent = exchanges.map(
              (exchange) => `${exchange.sent.method} ${exchange.sent.url} ${exchange.sent.body?.slice(0, 200) ?? ""} → ${exchange.status}`,
            );
            throw new Error(`B's state changed under A's requests:\n  ${problems.join("\n  ")}\nA's requests:\n  ${sent.join("\n  ")}`);
          }
        },
      );
      console.log(
        `${stats.summary(settings.seed)}; ${userOperations.size} user routes, ${reads.length} state reads; ${outcome.runs} sequences${outcome.interrupted ? " (stopped by the time limit)" : ""}; ${cast.relogins} re-logins, ${cast.replacements} replacements`,
      );
      expect(outcome.failure, outcome.failure).toBeUndefined();
    },
    120_000 + settings.isolationRuns * 5_000,
  );

  it("the comparison notices B's own changes (control)", async () => {
    const [a, b] = cast.users;
    if (!a || !b) throw new Error("the isolation cast needs two users");
    const before = await readState(cast, b, reads);
    const notification = b.notificationIds[0];
    expect(notification, "B has a notification from the setup").toBeDefined();
    await fetch(`${cast.apiUrl}/api/v1/notifications/${notification}/read`, { method: "POST", headers: { Authorization: `Bearer ${b.token}` } });
    const after = await readState(cast, b, reads);
    expect(differences(comparable(before, a.userId), comparable(after, a.userId))).not.toEqual([]);
  });
});
