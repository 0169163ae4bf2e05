import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { fundWallet, walletApi } from "../../test/workerd/wallet";

type Row = Record<string, unknown>;
type Page = { data: Row[]; pagination: { total: number; page_size: number } };
type OpenApiOperation = { summary?: string; description?: string; "x-client-alias-of"?: string };

const SHARED = "/api/v1/shared/wallet";
const shared = (path: string, token: string, init: { json?: unknown; method?: string } = {}) => api(`${SHARED}${path}`, { ...init, token });

describe("wallet routes as the Qingyu web client calls them (happy)", () => {
  it("every /api/v1/shared/wallet alias is in the OpenAPI document, marked as the client alias of its canonical route", async () => {
    const document = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
    const expected = [
      ["get", "", "GET /api/v1/finance/wallet/detail"],
      ["get", "/balance", "GET /api/v1/finance/wallet/balance"],
      ["get", "/transactions", "GET /api/v1/finance/wallet/transactions"],
      ["get", "/withdraw-requests", "GET /api/v1/finance/wallet/withdraws"],
      ["post", "/recharge", "POST /api/v1/finance/wallet/recharge"],
      ["post", "/consume", "POST /api/v1/finance/wallet/consume"],
      ["post", "/transfer", "POST /api/v1/finance/wallet/transfer"],
      ["post", "/withdraw", "POST /api/v1/finance/wallet/withdraw"],
    ] as const;
    for (const [method, path, canonical] of expected) {
      const operation = document.paths[`${SHARED}${path}`]?.[method];
      expect(operation?.["x-client-alias-of"], `${method} ${SHARED}${path}`).toBe(canonical);
      expect(operation?.summary).toBe(`Client alias of ${canonical}`);
      expect(operation?.description).toContain("src/modules/shared/api/wallet.ts");
    }
  });

  it("an alias answers what its canonical route answers, behind the same token check", async () => {
    const { pair } = await registerUser();
    await fundWallet(pair.token, "50");
    const canonical = await envelope(await walletApi("/detail", pair.token), 200);
    const alias = await envelope(await shared("", pair.token), 200);
    expect(alias.data).toEqual(canonical.data);
    expect((await envelope<number>(await shared("/balance", pair.token), 200)).data).toBe(5000);
    expect((await shared("/balance", "not-a-token")).status).toBe(401);
  });

  it("transfer and withdraw answers carry the row's fields at the top of data, the nested objects kept", async () => {
    const { pair } = await registerUser();
    const { pair: friend } = await registerUser();
    await fundWallet(pair.token, "100");
    const sent = await envelope<Row & { transaction: Row; transfer: Row }>(await shared("/transfer", pair.token, { json: { toUserId: friend.user_id, amount: 12.5, reason: "gift" } }), 200);
    expect(sent.data.id).toBe(sent.data.transaction.id);
    expect(sent.data).toMatchObject({ type: "transfer_out", amount: -1250, description: "gift", related_user: friend.user_id, balance: 8750 });
    expect(sent.data.transfer).toMatchObject({ to_user_id: friend.user_id, amount: 1250 });

    const held = await envelope<Row & { withdrawal: Row }>(await shared("/withdraw", pair.token, { json: { amount: 20, account: "me@alipay", accountType: "alipay" } }), 201);
    expect(held.data).toMatchObject({ id: held.data.withdrawal.id, status: "pending", amount: 2000, method: "alipay", processed_at: null, remark: null });
    expect(held.data.withdrawal).toMatchObject({ status: "pending", amount: 2000 });
  });

  it("rows carry description and related_user; lists take pageSize and type=income|expense", async () => {
    const { pair } = await registerUser();
    const { pair: friend } = await registerUser();
    await fundWallet(pair.token, "30");
    await fundWallet(pair.token, "20");
    await envelope(await shared("/consume", pair.token, { json: { amount: 5, reason: "chapter 12" } }), 200);
    await envelope(await shared("/transfer", pair.token, { json: { toUserId: friend.user_id, amount: 1 } }), 200);

    const income = (await envelope(await shared("/transactions?type=income&pageSize=1", pair.token), 200)) as unknown as Page;
    expect(income.pagination).toMatchObject({ total: 2, page_size: 1 });
    expect(income.data).toHaveLength(1);
    expect(income.data[0]).toMatchObject({ type: "recharge", amount: 2000 });

    const expense = (await envelope(await shared("/transactions?type=expense", pair.token), 200)) as unknown as Page;
    expect(expense.data.map((row) => row.type)).toEqual(["transfer_out", "consume"]);
    expect(expense.data[1]).toMatchObject({ reason: "chapter 12", description: "chapter 12", related_user: null });
    expect(expense.data[0]).toMatchObject({ related_user_id: friend.user_id, related_user: friend.user_id });

    const typed = (await envelope(await walletApi("/transactions?type=consume", pair.token), 200)) as unknown as Page;
    expect(typed.pagination.total).toBe(1);

    const withdrawals = (await envelope(await shared("/withdraw-requests?pageSize=5", pair.token), 200)) as unknown as Page;
    expect(withdrawals.pagination).toMatchObject({ total: 0, page_size: 5 });
  });
});
