/**
 * Ordinary traffic: each of the soak's users loops over what a reader of the
 * platform does (log in, refresh, read the quota, spend AI quota directly and
 * through a reservation, move money, read notifications, open the live quota
 * stream), with a pause between actions. Money and quota operations go through
 * the fault tests' operation model (test/faults/operations.ts: one key each,
 * retried with the same key), so the end invariants can reuse its checks.
 */
import { operation, send, type Operation, type Target } from "../../test/faults/operations.ts";
import type { TokenPair } from "../../test/support/users.ts";
import { timed, type Recorder } from "./recorder.ts";

export interface SoakUser {
  username: string;
  password: string;
  pair: TokenPair;
  /** The user's own client address (CF-Connecting-IP), so per-IP limits see 200 users, not one loopback. */
  ip: string;
}

/** A commit the client sent after an accepted reservation: what it charged and what it released, as the client asked. */
export interface Commit {
  from: number;
  reserveKey: string;
  reservationId: string;
  actual: number;
  status: number;
}

export interface OrdinaryRun {
  operations: Operation[];
  commits: Commit[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Awaits `work` while the recorder knows this loop waits on it. */
async function tracked<T>(recorder: Recorder, what: string, work: Promise<T>): Promise<T> {
  const settled = recorder.begin(what);
  try {
    return await work;
  } finally {
    settled();
  }
}

async function streamOnce(recorder: Recorder, apiUrl: string, token: string): Promise<void> {
  const ticketed = await timed(recorder, "ordinary:stream-ticket", `${apiUrl}/api/v1/ai/quota/stream/ticket`, { method: "POST", token });
  const ticket = (ticketed.body?.data as { ticket?: string } | undefined)?.ticket;
  if (!ticket) return;
  const startedAt = performance.now();
  const socket = new WebSocket(`${apiUrl.replace(/^http/, "ws")}/api/v1/ai/quota/stream?ticket=${encodeURIComponent(ticket)}`);
  const opened = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    socket.addEventListener("message", () => (clearTimeout(timer), resolve(true)));
    socket.addEventListener("error", () => (clearTimeout(timer), resolve(false)));
  });
  // A socket that opened and sent its snapshot counts as 101; one that failed as 0 (the upgrade's status is not exposed).
  recorder.record("ordinary:stream", opened ? 101 : 0, "/api/v1/ai/quota/stream", performance.now() - startedAt);
  socket.close(1000, "soak");
}

/** Runs user `index` until `deadline` (epoch ms). */
async function userLoop(recorder: Recorder, target: Target, users: SoakUser[], index: number, deadline: number, run: OrdinaryRun): Promise<void> {
  const user = users[index]!;
  const api = target.apiUrl;
  let actions = 0;
  while (Date.now() < deadline) {
    await pause(1500 + Math.random() * 2000);
    if (Date.now() >= deadline) break;
    actions += 1;
    const roll = Math.random();
    const token = user.pair.token;
    if (actions % 25 === 0) {
      const answer = await timed(recorder, "ordinary:login", `${api}/api/v1/shared/auth/login`, {
        method: "POST",
        json: { username: user.username, password: user.password },
        headers: { "CF-Connecting-IP": user.ip },
      });
      if (answer.status === 200) user.pair = answer.body?.data as TokenPair;
    } else if (actions % 10 === 0) {
      const answer = await timed(recorder, "ordinary:refresh", `${api}/api/v1/shared/auth/refresh`, {
        method: "POST",
        json: { refresh_token: user.pair.refreshToken },
        headers: { "CF-Connecting-IP": user.ip },
      });
      if (answer.status === 200) user.pair = { ...user.pair, ...(answer.body?.data as TokenPair) };
    } else if (roll < 0.25) {
      const op = operation("quota-consume", index, 1 + Math.floor(Math.random() * 20));
      run.operations.push(op);
      const startedAt = performance.now();
      await tracked(recorder, op.kind, send(target, op));
      recorder.record("ordinary:quota-consume", op.answers.at(-1)?.status ?? 0, "consume", performance.now() - startedAt);
    } else if (roll < 0.35) {
      const op = operation("quota-reserve", index, 2 + Math.floor(Math.random() * 20));
      run.operations.push(op);
      const startedAt = performance.now();
      await tracked(recorder, op.kind, send(target, op));
      recorder.record("ordinary:quota-reserve", op.answers.at(-1)?.status ?? 0, "reserve", performance.now() - startedAt);
      const data = op.data as { reservation?: { id?: string }; id?: string } | undefined;
      const reservationId = data?.reservation?.id ?? data?.id;
      if (reservationId) {
        const actual = op.amount - 1;
        const answer = await timed(recorder, "ordinary:quota-commit", `${api}/api/v1/internal/quota/${user.pair.user.id}/reservations/${reservationId}/commit`, {
          method: "POST",
          token: target.serviceToken,
          json: { actual },
        });
        run.commits.push({ from: index, reserveKey: op.key, reservationId, actual, status: answer.status });
      }
    } else if (roll < 0.5) {
      const to = (index + 1 + Math.floor(Math.random() * (users.length - 1))) % users.length;
      const op = operation("wallet-transfer", index, 1 + Math.floor(Math.random() * 100), to);
      run.operations.push(op);
      const startedAt = performance.now();
      await tracked(recorder, op.kind, send(target, op));
      recorder.record("ordinary:wallet-transfer", op.answers.at(-1)?.status ?? 0, "transfer", performance.now() - startedAt);
    } else if (roll < 0.6) {
      const op = operation("wallet-consume", index, 1 + Math.floor(Math.random() * 50));
      run.operations.push(op);
      const startedAt = performance.now();
      await tracked(recorder, op.kind, send(target, op));
      recorder.record("ordinary:wallet-consume", op.answers.at(-1)?.status ?? 0, "wallet-consume", performance.now() - startedAt);
    } else if (roll < 0.75) {
      await timed(recorder, "ordinary:quota-read", `${api}/api/v1/ai/quota?type=daily`, { token });
    } else if (roll < 0.85) {
      await timed(recorder, "ordinary:notifications", `${api}/api/v1/notifications?page=1&page_size=20`, { token });
    } else if (roll < 0.95) {
      await timed(recorder, "ordinary:wallet-balance", `${api}/api/v1/finance/wallet/balance`, { token });
    } else {
      await tracked(recorder, "ordinary:stream", streamOnce(recorder, api, token));
    }
  }
}

/** Every user's loop, until `deadline`. */
export async function ordinaryTraffic(recorder: Recorder, target: Target, users: SoakUser[], deadline: number, run: OrdinaryRun): Promise<void> {
  await Promise.all(users.map((_, index) => userLoop(recorder, target, users, index, deadline, run)));
}
