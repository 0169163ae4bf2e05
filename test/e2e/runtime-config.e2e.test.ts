/**
 * Auth tunables live in the runtime config: an admin changes them with
 * PUT /api/v1/admin/config and the running stack follows within the 5 s bound
 * docs/api.md states; invalid values are refused and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../dev/net.ts";
import { registerAdmin } from "../support/admin.ts";
import { call, type Envelope } from "../support/http.ts";
import { login, registerUser, type TokenPair } from "../support/users.ts";

/** The bound docs/api.md states for a config change to reach every isolate. */
const PICKUP_BOUND_MS = 5_000;

let admin: TokenPair;
beforeAll(async () => {
  admin = await registerAdmin();
});

const asAdmin = (init: { method?: string; json?: unknown } = {}) =>
  call("/api/v1/admin/config", { method: init.method, json: init.json, headers: { Authorization: `Bearer ${admin.token}` } });

type Snapshot = { version: number; document: { auth: Record<string, unknown> } };
const current = async () => ((await (await asAdmin()).json()) as Envelope<Snapshot>).data;

async function patchConfig(patch: Record<string, unknown>): Promise<number> {
  const { version } = await current();
  const response = await asAdmin({ method: "PUT", json: { version, patch } });
  if (response.status !== 200) throw new Error(`config update failed: ${response.status} ${await response.text()}`);
  return Date.now();
}

/** Puts the changed sections back to the documented defaults at the end (null deletes the key in a merge patch). */
afterAll(async () => {
  await patchConfig({ auth: null, wallet: null });
});

const ip = () => `10.77.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const attemptLogin = (username: string, password: string) =>
  call("/api/v1/shared/auth/login", { method: "POST", json: { username, password }, headers: { "CF-Connecting-IP": ip() } });
const sessionsOf = async (token: string) =>
  ((await (await call("/api/v1/shared/auth/sessions", { headers: { Authorization: `Bearer ${token}` } })).json()) as Envelope<unknown[]>).data;

describe("auth tunables in the runtime config (e2e)", () => {
  it("a lower session limit applies to the next logins within 5 s; the evicted session's token is refused", async () => {
    const { username, password, pair: first } = await registerUser();
    await login(username, password);
    await login(username, password);
    expect(await sessionsOf(first.token)).toHaveLength(3); // under the default limit of 5
    const changedAt = await patchConfig({ auth: { maxSessionsPerUser: 2 } });
    try {
      const latest = await waitFor(
        async () => {
          const pair = await login(username, password);
          return (await sessionsOf(pair.token)).length === 2 ? pair : undefined;
        },
        { timeoutMs: PICKUP_BOUND_MS, intervalMs: 100, what: "logins to follow the new session limit" },
      );
      console.log(`session limit applied after ${Date.now() - changedAt} ms`);
      expect(await sessionsOf(latest.token)).toHaveLength(2);
      // The oldest session (the registration's) was evicted and revoked.
      const evicted = await call("/api/v1/user/profile", { headers: { Authorization: `Bearer ${first.token}` } });
      expect(evicted.status).toBe(401);
      expect(((await evicted.json()) as Envelope).code).toBe(2016);
    } finally {
      await patchConfig({ auth: { maxSessionsPerUser: null } });
    }
  });

  it("a lower failed-login limit applies within 5 s: the right password is then refused with 429 code 1007", async () => {
    // Control: under the default (5 failures per account) two failures do not block.
    const control = await registerUser();
    for (let i = 0; i < 2; i++) expect((await attemptLogin(control.username, `wrong-${i}-pass`)).status).toBe(401);
    expect((await attemptLogin(control.username, control.password)).status).toBe(200);

    const changedAt = await patchConfig({ auth: { loginThrottle: { maxFailuresPerAccount: 2 } } });
    try {
      const blocked = await waitFor(
        async () => {
          const user = await registerUser();
          for (let i = 0; i < 2; i++) expect((await attemptLogin(user.username, `wrong-${i}-pass`)).status).toBe(401);
          const answer = await attemptLogin(user.username, user.password);
          return answer.status === 429 ? answer : undefined;
        },
        { timeoutMs: PICKUP_BOUND_MS, intervalMs: 100, what: "logins to follow the new failure limit" },
      );
      console.log(`login limit applied after ${Date.now() - changedAt} ms`);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await blocked.json()) as Envelope).code).toBe(1007);
    } finally {
      await patchConfig({ auth: { loginThrottle: null } });
    }
  });

  it("a lower wallet amount limit applies to the next wallet requests within 5 s", async () => {
    const { pair } = await registerUser();
    const recharge = () =>
      call("/api/v1/finance/wallet/recharge", { method: "POST", json: { amount: "20", method: "alipay" }, headers: { Authorization: `Bearer ${pair.token}` } });
    expect((await recharge()).status).toBe(201); // under the default 50,000 yuan
    const changedAt = await patchConfig({ wallet: { maxAmountFen: 1_000, minWithdrawFen: 500 } });
    try {
      const refused = await waitFor(async () => ((await recharge()).status === 400 ? true : undefined), {
        timeoutMs: PICKUP_BOUND_MS,
        intervalMs: 100,
        what: "wallet requests to follow the new amount limit",
      });
      console.log(`wallet amount limit applied after ${Date.now() - changedAt} ms`);
      expect(refused).toBe(true);
      const body = (await (await recharge()).json()) as Envelope<{ details: Record<string, string> }>;
      expect(body.code).toBe(1001);
      expect(Object.keys(body.data.details)).toEqual(["json.amount"]);
    } finally {
      await patchConfig({ wallet: null });
    }
  });

  it("invalid auth values → 400 code 1001 naming each field, and nothing is stored", async () => {
    const before = await current();
    const response = await asAdmin({
      method: "PUT",
      json: {
        version: before.version,
        patch: { auth: { maxSessionsPerUser: 0, loginThrottle: { windowSeconds: "soon" }, accessTokenTtlSeconds: 5 }, wallet: { rateLimit: { limit: -1 } } },
      },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Envelope<{ details: Record<string, string> }>;
    expect(body.code).toBe(1001);
    expect(Object.keys(body.data.details).sort()).toEqual([
      "auth.accessTokenTtlSeconds",
      "auth.loginThrottle.windowSeconds",
      "auth.maxSessionsPerUser",
      "wallet.rateLimit.limit",
    ]);
    const after = await current();
    expect(after.version).toBe(before.version);
    expect(after.document.auth).toEqual(before.document.auth);
  });
});
