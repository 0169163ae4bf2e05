import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configStore } from "../../durable-objects/config-store/client";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { balanceOf, failureOf, fundWallet, walletApi } from "../../test/workerd/wallet";

const BAD_AMOUNTS: ReadonlyArray<[string, string]> = [
  ["0", "0"],
  ["-1", "-1"],
  ["0.001", "0.001"],
  ["1e9", "1e9"],
  ['"abc"', '"abc"'],
  ["NaN", "NaN"],
  ["12.345", "12.345"],
  ['"12.345"', '"12.345"'],
  ["null", "null"],
];

/** Every money-moving route with a body whose amount is `amount` (raw JSON text, so NaN can be sent as clients would). */
const moneyRoutes = (amount: string, recipient: string) => [
  ["/recharge", `{"amount": ${amount}, "method": "alipay"}`],
  ["/consume", `{"amount": ${amount}, "reason": "chapter"}`],
  ["/transfer", `{"to_user_id": "${recipient}", "amount": ${amount}}`],
  ["/withdraw", `{"amount": ${amount}, "account": "bank-1"}`],
];

const ledgerSize = async (token: string) =>
  ((await envelope(await walletApi("/transactions", token), 200)) as unknown as { pagination: { total: number } }).pagination.total;

describe("wallet routes (error)", () => {
  it.each(BAD_AMOUNTS)("amount %s → 400 code 1001 on every money route, and nothing moves", async (_label, amount) => {
    const alice = await registerUser();
    const bob = await registerUser();
    await fundWallet(alice.pair.token, "100");
    for (const [path, body] of moneyRoutes(amount, bob.pair.user_id)) {
      const response = await api(`/api/v1/finance/wallet${path}`, {
        method: "POST",
        token: alice.pair.token,
        body,
        headers: { "content-type": "application/json" },
      });
      const error = await failureOf(response, 400);
      expect(error.code, `${path} ${amount}`).toBe(1001);
    }
    expect(await balanceOf(alice.pair.token)).toBe(10_000);
    expect(await balanceOf(bob.pair.token)).toBe(0);
    expect(await ledgerSize(alice.pair.token)).toBe(1);
  });

  it("consume beyond the balance → 409 code 3001; nothing moves", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "10");
    const error = await failureOf(await walletApi("/consume", pair.token, { json: { amount: "10.01", reason: "too much" } }), 409);
    expect(error.code).toBe(3001);
    expect(await balanceOf(pair.token)).toBe(1000);
  });

  it("withdraw below the configured minimum (10 yuan) → 400 code 3003", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const error = await failureOf(await walletApi("/withdraw", pair.token, { json: { amount: "9.99", account: "bank-1" } }), 400);
    expect(error.code).toBe(3003);
    expect((await envelope(await walletApi("/detail", pair.token), 200)).data).toMatchObject({ frozen_amount: 0 });
  });

  it("transfer to yourself → 400 code 3005; to an unknown account → 404 code 3004; nothing moves", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    expect((await failureOf(await walletApi("/transfer", pair.token, { json: { to_user_id: pair.user_id, amount: 1 } }), 400)).code).toBe(3005);
    for (const stranger of [crypto.randomUUID(), "not a user", "x".repeat(100)]) {
      expect((await failureOf(await walletApi("/transfer", pair.token, { json: { toUserId: stranger, amount: 1 } }), 404)).code, stranger).toBe(3004);
    }
    expect((await failureOf(await walletApi("/transfer", pair.token, { json: { amount: 1 } }), 400)).code).toBe(1001);
    expect(await balanceOf(pair.token)).toBe(10_000);
  });

  it("a frozen wallet: consume, transfer and withdraw → 403 code 3002; it still receives", async () => {
    const admin = await registerAdmin();
    const alice = await registerUser();
    const bob = await registerUser();
    await fundWallet(alice.pair.token, "100");
    await fundWallet(bob.pair.token, "100");
    await envelope(
      await api(`/api/v1/admin/wallet/${alice.pair.user_id}/freeze`, { method: "POST", token: admin.pair.token, json: { reason: "review" } }),
      200,
    );
    const attempts = [
      walletApi("/consume", alice.pair.token, { json: { amount: 1, reason: "x" } }),
      walletApi("/transfer", alice.pair.token, { json: { to_user_id: bob.pair.user_id, amount: 1 } }),
      walletApi("/withdraw", alice.pair.token, { json: { amount: 10, account: "bank-1" } }),
    ];
    for (const response of await Promise.all(attempts)) expect((await failureOf(response, 403)).code).toBe(3002);
    await envelope(await walletApi("/transfer", bob.pair.token, { json: { to_user_id: alice.pair.user_id, amount: 5 } }), 200);
    expect(await balanceOf(alice.pair.token)).toBe(10_500);
    await envelope(await api(`/api/v1/admin/wallet/${alice.pair.user_id}/unfreeze`, { method: "POST", token: admin.pair.token }), 200);
    await envelope(await walletApi("/consume", alice.pair.token, { json: { amount: 1, reason: "x" } }), 200);
  });

  it("an Idempotency-Key reused for a different request → 409 code 1006; a malformed key → 400 code 1001", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    await envelope(await walletApi("/consume", pair.token, { json: { amount: 1, reason: "a" }, key: "same" }), 200);
    expect((await failureOf(await walletApi("/consume", pair.token, { json: { amount: 2, reason: "a" }, key: "same" }), 409)).code).toBe(1006);
    const malformed = await failureOf(await walletApi("/consume", pair.token, { json: { amount: 1, reason: "a" }, key: "has spaces" }), 400);
    expect(malformed.code).toBe(1001);
    expect(Object.keys(malformed.data?.details ?? {})).toContain("header.idempotency-key");
    expect(await balanceOf(pair.token)).toBe(9900);
  });

  it("more than the runtime config's wallet.rateLimit requests per window → 429 code 1007 with Retry-After", async () => {
    const { pair } = await registerUser();
    const { limit } = (await configStore(env.CONFIG_STORE).get()).document.wallet.rateLimit;
    const statuses: number[] = [];
    for (let index = 0; index < limit; index++) statuses.push((await walletApi("/balance", pair.token)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const limited = await walletApi("/balance", pair.token);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await failureOf(limited, 429)).code).toBe(1007);
  });
});
