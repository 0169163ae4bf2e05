/**
 * Quota and wallet operations as a client that cares about exactly-once would
 * send them: each carries its own idempotency key (quota `requestId`, wallet
 * `Idempotency-Key`), a failure is retried later with the SAME key, and every
 * answer is recorded so the final state can be checked against what was
 * accepted.
 */
import type { Envelope } from "../support/http.ts";
import { registerUser, type TokenPair } from "../support/users.ts";

export type OperationKind = "quota-consume" | "quota-reserve" | "wallet-consume" | "wallet-transfer" | "quota-purchase";

/** One operation and what became of it. */
export interface Operation {
  kind: OperationKind;
  key: string;
  /** The acting user (index into the users array). */
  from: number;
  /** The recipient of a transfer. */
  to?: number;
  /** Tokens (quota operations) or fen (wallet operations). */
  amount: number;
  /** Every answer in order: an HTTP status, or 0 when the request got no answer at all. */
  answers: Array<{ status: number; code: number | null; replayed: boolean; at: number }>;
  /** The last answer's body when it was a success. */
  data?: unknown;
}

/** Statuses after which the operation is settled: it was accepted or refused for a business reason. */
export const settled = (operation: Operation): boolean => {
  const last = operation.answers.at(-1);
  return last !== undefined && last.status >= 200 && last.status < 500 && last.code !== 1007;
};
export const accepted = (operation: Operation): boolean => {
  const last = operation.answers.at(-1);
  return last !== undefined && last.status >= 200 && last.status < 300;
};
/** Accepted on its first try: the client saw the acknowledgement before any fault. */
export const acknowledgedFirstTime = (operation: Operation): boolean => {
  const first = operation.answers[0];
  return first !== undefined && first.status >= 200 && first.status < 300;
};

/** Where and as whom to send. */
export interface Target {
  apiUrl: string;
  serviceToken: string;
  users: Array<{ pair: TokenPair }>;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

function request(target: Target, operation: Operation): { path: string; token: string; json: unknown; headers: Record<string, string> } {
  const user = target.users[operation.from]!.pair;
  const service = { path: `/api/v1/internal/quota/${user.user.id}`, token: target.serviceToken, headers: {} };
  const wallet = { token: user.token, headers: { "Idempotency-Key": operation.key } };
  switch (operation.kind) {
    case "quota-consume":
      return { ...service, path: `${service.path}/consume`, json: { amount: operation.amount, service: "faults", requestId: operation.key } };
    case "quota-reserve":
      return {
        ...service,
        path: `${service.path}/reservations`,
        json: { amount: operation.amount, ttlSeconds: 3600, service: "faults", requestId: operation.key },
      };
    case "wallet-consume":
      return { ...wallet, path: "/api/v1/finance/wallet/consume", json: { amount: yuan(operation.amount), reason: "faults" } };
    case "wallet-transfer":
      return {
        ...wallet,
        path: "/api/v1/finance/wallet/transfer",
        json: { to_user_id: target.users[operation.to!]!.pair.user.id, amount: yuan(operation.amount) },
      };
    case "quota-purchase":
      return { ...wallet, path: "/api/v1/ai/quota/recharge", json: { amount: yuan(operation.amount) } };
  }
}

/** Sends (or re-sends, with the same key) one operation and records the answer. Never throws. */
export async function send(target: Target, operation: Operation, timeoutMs = 15_000): Promise<void> {
  const { path, token, json, headers } = request(target, operation);
  try {
    const response = await fetch(`${target.apiUrl}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(json),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: Envelope | null = null;
    try {
      body = JSON.parse(text) as Envelope;
    } catch {
      // A proxy-level answer (wrangler restarting) has no envelope; the status says enough.
    }
    operation.answers.push({
      status: response.status,
      code: body?.code ?? null,
      replayed: response.headers.get("idempotent-replayed") === "true",
      at: Date.now(),
    });
    if (response.ok) operation.data = body?.data;
  } catch {
    operation.answers.push({ status: 0, code: null, replayed: false, at: Date.now() });
  }
}

/**
 * Re-sends every unsettled operation with its own key until each is settled
 * or `timeoutMs` runs out. Returns how many re-sends it took.
 */
export async function retryUnsettled(target: Target, operations: Operation[], timeoutMs = 30_000, concurrency = 8): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let retries = 0;
  for (;;) {
    const pending = operations.filter((operation) => !settled(operation));
    if (pending.length === 0 || Date.now() > deadline) return retries;
    for (let index = 0; index < pending.length; index += concurrency) {
      await Promise.all(pending.slice(index, index + concurrency).map((operation) => send(target, operation)));
      retries += Math.min(concurrency, pending.length - index);
    }
    if (operations.some((operation) => !settled(operation))) await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Runs `operations` with at most `concurrency` in flight; `onAnswer` sees the
 * count of answers so far. Once `stopped()` is true no new operation starts
 * (those stay without answers: never sent).
 */
export async function runStorm(
  target: Target,
  operations: Operation[],
  concurrency: number,
  onAnswer?: (answered: number) => void,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let answered = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < operations.length && !stopped()) {
        const operation = operations[next++]!;
        await send(target, operation);
        answered += 1;
        onAnswer?.(answered);
      }
    }),
  );
}

let serial = 0;
/** A new operation with a unique key. */
export function operation(kind: OperationKind, from: number, amount: number, to?: number): Operation {
  serial += 1;
  return { kind, key: `faults-${kind}-${serial}-${crypto.randomUUID()}`, from, to, amount, answers: [] };
}

/** `count` new users, each funded with `fen` by a sandbox recharge (credited at once, so a storm can start right after). */
export async function fundedUsers(apiUrl: string, count: number, fen: number): Promise<Array<{ username: string; password: string; pair: TokenPair }>> {
  const users = await Promise.all(Array.from({ length: count }, () => registerUser(apiUrl)));
  for (const user of users) {
    const funded = await fetch(`${apiUrl}/api/v1/finance/wallet/recharge`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.pair.token}`, "content-type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({ amount: String(fen / 100), method: "alipay" }),
    });
    if (funded.status !== 201) throw new Error(`funding ${user.username} answered ${funded.status}: ${await funded.text()}`);
  }
  return users;
}
