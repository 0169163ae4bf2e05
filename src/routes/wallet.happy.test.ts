import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { balanceOf, fundWallet, sendCallback, walletApi, type OrderData } from "../../test/workerd/wallet";

type Paged<T> = { data: T[]; pagination: { total: number; page: number; page_size: number; total_pages: number; has_next: boolean } };

describe("wallet routes (happy)", () => {
  it("every wallet route is in the OpenAPI document, with the error envelope and the Idempotency-Key header", async () => {
    const response = await api("/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }>>;
    };
    const expected = [
      ["get", "/api/v1/finance/wallet/balance"],
      ["get", "/api/v1/finance/wallet/detail"],
      ["get", "/api/v1/finance/wallet/transactions"],
      ["get", "/api/v1/finance/wallet/withdraws"],
      ["get", "/api/v1/finance/wallet/recharge/orders/{orderId}"],
      ["post", "/api/v1/finance/wallet/recharge"],
      ["post", "/api/v1/finance/wallet/recharge/callback"],
      ["post", "/api/v1/finance/wallet/consume"],
      ["post", "/api/v1/finance/wallet/transfer"],
      ["post", "/api/v1/finance/wallet/withdraw"],
      ["post", "/api/v1/admin/withdraw/review"],
      ["get", "/api/v1/admin/withdrawals"],
      ["get", "/api/v1/admin/withdrawals/stats"],
      ["post", "/api/v1/admin/wallet/{userId}/freeze"],
      ["post", "/api/v1/admin/wallet/{userId}/unfreeze"],
      ["get", "/api/v1/admin/wallet/{userId}/verify"],
    ] as const;
    for (const [method, path] of expected) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(Object.keys(operation!.responses), path).toEqual(expect.arrayContaining(["400", "500", "503"]));
    }
    for (const path of ["/recharge", "/consume", "/transfer", "/withdraw"]) {
      expect(document.paths[`/api/v1/finance/wallet${path}`]?.post?.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: "idempotency-key", in: "header" })]),
      );
    }
  });

  it("a new user's wallet: balance 0 and the Go backend's detail fields", async () => {
    const { pair } = await registerUser();
    expect(await balanceOf(pair.token)).toBe(0);
    const detail = await envelope(await walletApi("/detail", pair.token), 200);
    expect(detail.data).toMatchObject({
      user_id: pair.user_id,
      balance: 0,
      frozen_amount: 0,
      available_amount: 0,
      frozen: false,
      currency: "CNY",
      total_income: 0,
      total_expense: 0,
    });
    expect(Object.keys(detail.data).sort()).toEqual(
      [
        "available_amount",
        "balance",
        "created_at",
        "currency",
        "frozen",
        "frozen_amount",
        "frozen_reason",
        "id",
        "total_expense",
        "total_income",
        "updated_at",
        "user_id",
      ].sort(),
    );
  });

  it("recharge creates a pending order; the signed callback credits it once; replays answer the same", async () => {
    const { pair } = await registerUser();
    const created = await envelope<OrderData>(await walletApi("/recharge", pair.token, { json: { amount: "12.34", method: "wechat" } }), 201);
    expect(created.data).toMatchObject({ amount: 1234, status: "pending", method: "wechat", payment_url: null });
    expect(await balanceOf(pair.token)).toBe(0);
    const body = { order_id: created.data.order_id, amount: 12.34, timestamp: Math.floor(Date.now() / 1000), provider_txn_id: "wx-1" };
    const first = await envelope<{ replayed: boolean; balance: number }>(await sendCallback(body), 200);
    expect(first.data).toMatchObject({ replayed: false, balance: 1234 });
    const replay = await sendCallback(body);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await envelope<{ replayed: boolean }>(replay, 200)).data.replayed).toBe(true);
    expect(await balanceOf(pair.token)).toBe(1234);
    const order = await envelope<OrderData>(await walletApi(`/recharge/orders/${created.data.order_id}`, pair.token), 200);
    expect(order.data.status).toBe("credited");
  });

  it("consume with an Idempotency-Key: the replay returns the original result and moves nothing", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const first = await walletApi("/consume", pair.token, { json: { amount: "9.99", reason: "chapter 3" }, key: "consume-1" });
    const body = await envelope<{ balance: number; replayed: boolean; transaction: { amount: number } }>(first, 200);
    expect(body.data).toMatchObject({ balance: 9001, replayed: false, transaction: { amount: -999 } });
    const again = await walletApi("/consume", pair.token, { json: { amount: 9.99, reason: "chapter 3" }, key: "consume-1" });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await envelope<{ balance: number; replayed: boolean }>(again, 200)).data).toMatchObject({ balance: 9001, replayed: true });
    expect(await balanceOf(pair.token)).toBe(9001);
  });

  it("transfer to another account (to_user_id or toUserId) completes and shows on both ledgers", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    await fundWallet(alice.pair.token, "50");
    const sent = await envelope<{ transfer: { status: string; transfer_id: string }; balance: number }>(
      await walletApi("/transfer", alice.pair.token, { json: { to_user_id: bob.pair.user_id, amount: "20.5", reason: "thanks" } }),
      200,
    );
    expect(sent.data).toMatchObject({ balance: 2950, transfer: { status: "completed" } });
    await envelope(await walletApi("/transfer", alice.pair.token, { json: { toUserId: bob.pair.user_id, amount: 0.5 } }), 200);
    expect(await balanceOf(bob.pair.token)).toBe(2100);
    const incoming = (await envelope(await walletApi("/transactions?type=transfer_in", bob.pair.token), 200)) as unknown as Paged<{
      related_user_id: string;
      amount: number;
    }>;
    expect(incoming.pagination.total).toBe(2);
    expect(incoming.data.every((row) => row.related_user_id === alice.pair.user_id)).toBe(true);
  });

  it("withdraw holds the amount; the list shows it with the real total", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    const held = await envelope<{ frozen_amount: number; available_amount: number; withdrawal: { status: string } }>(
      await walletApi("/withdraw", pair.token, { json: { amount: "30", account: "6222 0000 0000 0001" } }),
      201,
    );
    expect(held.data).toMatchObject({ frozen_amount: 3000, available_amount: 7000, withdrawal: { status: "pending" } });
    await envelope(await walletApi("/withdraw", pair.token, { json: { amount: 10, account: "alipay:me@example.com", method: "alipay" } }), 201);
    const page = (await envelope(await walletApi("/withdraws?page=1&page_size=1", pair.token), 200)) as unknown as Paged<{ amount: number }>;
    expect(page.pagination).toMatchObject({ total: 2, page: 1, page_size: 1, total_pages: 2, has_next: true });
    expect(page.data).toEqual([expect.objectContaining({ amount: 1000 })]);
    expect(((await envelope(await walletApi("/withdraws?status=approved", pair.token), 200)) as unknown as Paged<unknown>).pagination.total).toBe(0);
    expect(await balanceOf(pair.token)).toBe(10_000);
  });

  it("transactions: type filter and pagination", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "100");
    for (let index = 0; index < 5; index++) await envelope(await walletApi("/consume", pair.token, { json: { amount: 1, reason: `c${index}` } }), 200);
    const consumes = (await envelope(await walletApi("/transactions?type=consume&page=2&page_size=2", pair.token), 200)) as unknown as Paged<{ type: string }>;
    expect(consumes.pagination).toMatchObject({ total: 5, page: 2, page_size: 2, total_pages: 3 });
    expect(consumes.data).toHaveLength(2);
    expect(consumes.data.every((row) => row.type === "consume")).toBe(true);
    const all = (await envelope(await walletApi("/transactions", pair.token), 200)) as unknown as Paged<{ type: string }>;
    expect(all.pagination.total).toBe(6);
    expect(all.data.at(-1)?.type).toBe("recharge");
  });
});
