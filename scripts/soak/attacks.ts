/**
 * The attack clients, each on its own accounts, as fast as answers come back
 * (one request in flight each, bursts for the login race):
 *  - refresh-grace: presents one refresh token over and over, keeping one successor (fix 1);
 *  - logout-replay: logs out again and again with one token (fix 2);
 *  - login-race: bursts of concurrent wrong passwords for one account, by username and by email (fix 3);
 *  - stream-ticket: reuses spent tickets, races one ticket, and tries a JWT in the URL (fix 9);
 *  - bad-input: the fuzzer's kinds of bad requests (malformed JSON, oversize bodies, forged tokens, odd paths).
 */
import type { TokenPair } from "../../test/support/users.ts";
import { timed, type Recorder } from "./recorder.ts";

export const ATTACK_KINDS = ["refresh-grace", "logout-replay", "login-race", "stream-ticket", "bad-input"] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export interface Attacker {
  kind: AttackKind;
  username: string;
  password: string;
  pair: TokenPair;
  /** The attacker's one client address (CF-Connecting-IP): per-IP limits apply to it. */
  ip: string;
}

/** A request from the attacker's address. */
const hit = (attacker: Attacker, recorder: Recorder, className: string, url: string, init: RequestInit & { json?: unknown; token?: string } = {}) =>
  timed(recorder, className, url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), "CF-Connecting-IP": attacker.ip } });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function relogin(recorder: Recorder, api: string, attacker: Attacker): Promise<void> {
  const answer = await hit(attacker, recorder, "attack:relogin", `${api}/api/v1/shared/auth/login`, { method: "POST", json: { username: attacker.username, password: attacker.password } });
  if (answer.status === 200) attacker.pair = answer.body?.data as TokenPair;
  else await pause(1000);
}

async function refreshGrace(recorder: Recorder, api: string, attacker: Attacker, deadline: number): Promise<void> {
  let presented = attacker.pair.refreshToken;
  let uses = 0;
  while (Date.now() < deadline) {
    const answer = await hit(attacker, recorder, "attack:refresh-grace", `${api}/api/v1/shared/auth/refresh`, { method: "POST", json: { refresh_token: presented } });
    uses += 1;
    if (answer.status === 200 && uses >= 5) {
      presented = (answer.body?.data as TokenPair).refreshToken;
      uses = 0;
    } else if (answer.status === 401) {
      await relogin(recorder, api, attacker);
      presented = attacker.pair.refreshToken;
    } else if (answer.status === 429) await pause(50);
  }
}

async function logoutReplay(recorder: Recorder, api: string, attacker: Attacker, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const answer = await hit(attacker, recorder, "attack:logout-replay", `${api}/api/v1/shared/auth/logout`, { method: "POST", token: attacker.pair.token });
    if (answer.status === 429) await pause(50);
  }
}

async function loginRace(recorder: Recorder, api: string, attacker: Attacker, deadline: number): Promise<void> {
  const email = `${attacker.username.toLowerCase()}@example.com`;
  while (Date.now() < deadline) {
    await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        hit(attacker, recorder, "attack:login-race", `${api}/api/v1/shared/auth/login`, { method: "POST", json: { username: index % 2 ? email : attacker.username, password: "wrong-guess-1" } }),
      ),
    );
    await pause(100);
  }
}

async function streamTickets(recorder: Recorder, api: string, attacker: Attacker, deadline: number): Promise<void> {
  // Plain GETs, no Upgrade header: fetch cannot take a 101, and the ticket is consumed before the upgrade check anyway.
  const stream = (query: string) => hit(attacker, recorder, "attack:stream-ticket", `${api}/api/v1/ai/quota/stream?${query}`);
  while (Date.now() < deadline) {
    const ticketed = await hit(attacker, recorder, "attack:stream-ticket", `${api}/api/v1/ai/quota/stream/ticket`, { method: "POST", token: attacker.pair.token });
    const ticket = (ticketed.body?.data as { ticket?: string } | undefined)?.ticket ?? "none";
    // Without a real upgrade the first use consumes the ticket and answers 426; every later use must be refused.
    await Promise.all([stream(`ticket=${ticket}`), stream(`ticket=${ticket}`)]);
    await stream(`ticket=${ticket}`);
    await stream(`access_token=${attacker.pair.token}`);
    if (ticketed.status === 401) await relogin(recorder, api, attacker);
  }
}

async function badInputs(recorder: Recorder, api: string, attacker: Attacker, deadline: number): Promise<void> {
  const none = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: attacker.pair.user.id, roles: ["admin"], exp: 4e9 })}.`;
  const cases: Array<[string, RequestInit & { json?: unknown; token?: string }]> = [
    ["/api/v1/shared/auth/login", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } }],
    ["/api/v1/shared/auth/refresh", { method: "POST", json: { refresh_token: "x".repeat(5000) } }],
    ["/api/v1/shared/auth/register", { method: "POST", body: "x".repeat(200_000), headers: { "content-type": "application/json" } }],
    ["/api/v1/admin/users", { token: none }],
    ["/api/v1/finance/wallet/transfer", { method: "POST", token: attacker.pair.token, json: { to_user_id: attacker.pair.user.id, amount: "1e9", role: "admin" } }],
    ["/api/v1/finance/wallet/consume", { method: "POST", token: attacker.pair.token, json: { amount: "-1", reason: "\u0000\ud800" } }],
    ["/api/v1/ai/quota/%2e%2e/%zz", { token: attacker.pair.token }],
    ["/api/v1/internal/quota/x/consume", { method: "POST", token: attacker.pair.token, json: { amount: 1, requestId: "r" } }],
    ["/api/v1/shared/auth/login", { method: "POST", headers: { "content-type": "text/plain" }, body: "username=a" }],
  ];
  let index = 0;
  while (Date.now() < deadline) {
    const [path, init] = cases[index++ % cases.length]!;
    await hit(attacker, recorder, "attack:bad-input", `${api}${path}`, init);
  }
}

/** Runs one attacker until `deadline`. */
export function attack(recorder: Recorder, api: string, attacker: Attacker, deadline: number): Promise<void> {
  switch (attacker.kind) {
    case "refresh-grace":
      return refreshGrace(recorder, api, attacker, deadline);
    case "logout-replay":
      return logoutReplay(recorder, api, attacker, deadline);
    case "login-race":
      return loginRace(recorder, api, attacker, deadline);
    case "stream-ticket":
      return streamTickets(recorder, api, attacker, deadline);
    case "bad-input":
      return badInputs(recorder, api, attacker, deadline);
  }
}
