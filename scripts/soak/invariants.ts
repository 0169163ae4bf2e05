/**
 * The soak's end checks, from what the clients saw accepted (never from the
 * server's own totals), with the fault tests' accounting (test/faults/accounting.ts):
 * quota used = accepted consumes + committed actuals, reserved = reservations
 * not committed, every wallet balance exact, money conserved, every ledger
 * replays from zero, and each accepted key has exactly one ledger row.
 */
import { readUser, settledWallets, userLedgerMismatches } from "../../test/faults/accounting.ts";
import { accepted, retryUnsettled, type Operation, type Target } from "../../test/faults/operations.ts";
import type { Commit } from "./ordinary.ts";

export interface InvariantReport {
  ok: boolean;
  retriedOperations: number;
  acceptedOperations: number;
  quotaUsedMatches: boolean;
  balancesMatch: boolean;
  moneyConserved: { ok: boolean; expectedFen: number; actualFen: number };
  ledgersReplay: boolean;
  ledgerKeysExact: boolean;
  problems: string[];
}

async function settleCommits(target: Target, commits: Commit[]): Promise<void> {
  for (const commit of commits.filter((entry) => entry.status === 0 || entry.status >= 500)) {
    const user = target.users[commit.from]!.pair;
    const response = await fetch(`${target.apiUrl}/api/v1/internal/quota/${user.user.id}/reservations/${commit.reservationId}/commit`, {
      method: "POST",
      headers: { Authorization: `Bearer ${target.serviceToken}`, "content-type": "application/json" },
      body: JSON.stringify({ actual: commit.actual }),
    });
    // 409 after an unanswered try: the first one landed.
    commit.status = response.status === 409 ? 200 : response.status;
  }
}

export async function checkInvariants(target: Target, adminToken: string, operations: Operation[], commits: Commit[], fundedFen: number): Promise<InvariantReport> {
  const problems: string[] = [];
  const retriedOperations = await retryUnsettled(target, operations, 60_000);
  await settleCommits(target, commits);
  const reports = await settledWallets(target, adminToken, 60_000);
  const sumOf = (predicate: (operation: Operation) => boolean) => operations.filter((op) => accepted(op) && predicate(op)).reduce((total, op) => total + op.amount, 0);
  let quotaUsedMatches = true;
  let balancesMatch = true;
  let ledgerKeysExact = true;
  let actualFen = 0;
  for (let index = 0; index < target.users.length; index++) {
    const state = await readUser(target, index);
    const committed = commits.filter((commit) => commit.from === index && commit.status === 200);
    const committedKeys = new Set(committed.map((commit) => commit.reserveKey));
    const usedQuota = sumOf((op) => op.kind === "quota-consume" && op.from === index) + committed.reduce((total, commit) => total + commit.actual, 0);
    const reservedQuota = sumOf((op) => op.kind === "quota-reserve" && op.from === index && !committedKeys.has(op.key));
    if (state.daily.usedQuota !== usedQuota || state.daily.reservedQuota !== reservedQuota) {
      quotaUsedMatches = false;
      problems.push(`user ${index}: quota used ${state.daily.usedQuota}/reserved ${state.daily.reservedQuota}, clients saw ${usedQuota}/${reservedQuota}`);
    }
    const balance =
      fundedFen -
      sumOf((op) => op.kind === "wallet-consume" && op.from === index) -
      sumOf((op) => op.kind === "wallet-transfer" && op.from === index) +
      sumOf((op) => op.kind === "wallet-transfer" && op.to === index);
    if (state.balance !== balance) {
      balancesMatch = false;
      problems.push(`user ${index}: balance ${state.balance}, clients saw ${balance}`);
    }
    actualFen += state.balance;
    const mismatches = userLedgerMismatches(state, index, operations);
    for (const [kind, found] of Object.entries(mismatches)) {
      if (found.duplicated.length + found.missing.length + found.unexpected.length > 0) {
        ledgerKeysExact = false;
        problems.push(`user ${index} ${kind}: ${JSON.stringify(found)}`);
      }
    }
  }
  const expectedFen = fundedFen * target.users.length - sumOf((op) => op.kind === "wallet-consume");
  const ledgersReplay = reports.every((report) => report.ledger.ok);
  if (!ledgersReplay) problems.push(...reports.filter((report) => !report.ledger.ok).flatMap((report) => report.ledger.problems).slice(0, 10));
  const moneyConserved = { ok: expectedFen === actualFen, expectedFen, actualFen };
  return {
    ok: quotaUsedMatches && balancesMatch && moneyConserved.ok && ledgersReplay && ledgerKeysExact,
    retriedOperations,
    acceptedOperations: operations.filter(accepted).length,
    quotaUsedMatches,
    balancesMatch,
    moneyConserved,
    ledgersReplay,
    ledgerKeysExact,
    problems: problems.slice(0, 30),
  };
}
