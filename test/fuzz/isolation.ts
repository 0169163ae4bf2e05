/**
 * What one user can see of their own state, read through every user GET in the
 * document, and the comparison that proves another user's requests left it
 * alone. The one cross-user write the API allows by design, a wallet transfer
 * crediting the recipient, is taken out of the comparison and checked on its
 * own: the recipient gains exactly what the sender's successful transfers sent.
 */
import type { Contract, Operation } from "./contract.ts";
import type { Cast } from "./cast.ts";
import type { Identity } from "./recruits.ts";
import type { Exchange } from "./request-model.ts";
import { DEV_RELOAD } from "./send.ts";

/** What each state read answered, by operation key. */
export type UserState = Record<string, { status: number; data: unknown }>;

/**
 * Keys that change with the clock alone: the owner's own session's last use (also under the web
 * client's name), and a quota's exhaustion forecast, `now + remaining / rate(now)` with a rate that
 * decays as time passes, so it moves on every read. What the forecast is made of (used, reserved,
 * remaining) is still compared.
 */
const VOLATILE_KEYS = new Set(["lastUsedAt", "lastActiveTime", "forecastExhaustedAt"]);
/** Wallet fields a credited transfer changes. */
const WALLET_MONEY_KEYS = new Set(["balance", "available_amount", "total_income", "updated_at"]);

/**
 * The user's own GET routes: no path parameters, no required query, not admin,
 * not the WebSocket, and not a client alias (it runs the canonical route's
 * handler, so it reads the same state; reading it twice would only spend the
 * owner's per-user rate limits).
 */
export function stateReads(contract: Contract): Operation[] {
  return contract.operations.filter(
    (operation) =>
      operation.method === "get" &&
      operation.caller === "user" &&
      operation.aliasOf === undefined &&
      !operation.path.includes("/admin/") &&
      !operation.path.endsWith("/stream") &&
      !operation.parameters.some((parameter) => parameter.in === "path" || (parameter.required && parameter.in === "query")),
  );
}

/** Longest `Retry-After` a state read waits out before reading again (per-user rate limits, e.g. the wallet's). */
const MAX_RETRY_AFTER_S = 65;

function dataOf(text: string): unknown {
  try {
    return (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    return text;
  }
}

async function readOnce(url: string, token: string): Promise<{ status: number; data: unknown }> {
  for (;;) {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (response.status === 503 && text.startsWith(DEV_RELOAD)) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      continue;
    }
    const retryAfter = Number(response.headers.get("retry-after") ?? "0");
    if (response.status !== 429 || !(retryAfter > 0 && retryAfter <= MAX_RETRY_AFTER_S)) return { status: response.status, data: dataOf(text) };
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

/**
 * One read per route: status and `data` (with `page_size=100` where paging
 * exists, so new rows never push old ones off the page). A rate-limited read
 * waits out its `Retry-After` and reads again, and so does one cut off by a
 * `wrangler dev` reload.
 */
export async function readState(cast: Cast, identity: Identity, reads: Operation[]): Promise<UserState> {
  const state: UserState = {};
  for (const operation of reads) {
    const paged = operation.parameters.some((parameter) => parameter.name === "page_size");
    state[operation.key] = await readOnce(`${cast.apiUrl}${operation.path}${paged ? "?page_size=100" : ""}`, identity.token);
  }
  return state;
}

/** The wallet balance (fen) in a state read, if the document has the balance route. */
export function walletBalanceOf(state: UserState): number | undefined {
  const entry = Object.entries(state).find(([key]) => key.endsWith("/wallet/balance"))?.[1];
  return typeof entry?.data === "number" ? entry.data : undefined;
}

/** The state without what the stranger's transfers legitimately changed, and without volatile keys. */
export function normalize(value: unknown, strangerId: string): unknown {
  if (Array.isArray(value)) {
    return value
      .filter(
        (item) =>
          !(
            typeof item === "object" &&
            item !== null &&
            (item as Record<string, unknown>).type === "transfer_in" &&
            (item as Record<string, unknown>).related_user_id === strangerId
          ),
      )
      .map((item) => normalize(item, strangerId));
  }
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  const isWallet = "balance" in record && "user_id" in record;
  return Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => !VOLATILE_KEYS.has(key) && !(isWallet && WALLET_MONEY_KEYS.has(key)) && key !== "pagination")
      .map(([key, item]) => [key, normalize(item, strangerId)]),
  );
}

/** The state for comparison: normalized, with the bare balance number left to the transfer check. */
export function comparable(state: UserState, strangerId: string): unknown {
  return Object.fromEntries(
    Object.entries(state).map(([key, entry]) => [
      key,
      { status: entry.status, data: key.endsWith("/wallet/balance") ? "(checked against transfers)" : normalize(entry.data, strangerId) },
    ]),
  );
}

/** Fen the exchanges' successful transfers sent to `recipientId`. */
export function creditedTo(exchanges: Exchange[], recipientId: string): number {
  return exchanges
    .filter((exchange) => exchange.status >= 200 && exchange.status < 300 && new URL(exchange.sent.url).pathname.endsWith("/transfer"))
    .map((exchange) => (exchange.json as { data?: { transfer?: { to_user_id?: string; amount?: number }; replayed?: boolean } } | undefined)?.data)
    .filter((data) => data?.transfer?.to_user_id === recipientId && data.replayed !== true)
    .reduce((sum, data) => sum + (data?.transfer?.amount ?? 0), 0);
}

/** Where two values first differ, as a path of keys and indexes ("" when equal). */
function firstDifference(a: unknown, b: unknown, path = ""): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return "";
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path || "(value)";
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of Object.keys({ ...left, ...right })) {
    const found = firstDifference(left[key], right[key], `${path}${Array.isArray(a) ? `[${key}]` : `.${key}`}`);
    if (found) return found;
  }
  return path || "(value)";
}

/** The keys whose values differ between two comparable states: the first differing path and both values (clipped). */
export function differences(before: unknown, after: unknown): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return Object.keys({ ...a, ...b })
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map(
      (key) =>
        `${key} (first at ${firstDifference(a[key], b[key])}):\n    before ${JSON.stringify(a[key]).slice(0, 400)}\n    after  ${JSON.stringify(b[key]).slice(0, 400)}`,
    );
}
