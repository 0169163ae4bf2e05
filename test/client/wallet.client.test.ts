/**
 * The web client's wallet calls (src/modules/shared/api/wallet.ts, types in
 * src/types/shared.ts: Transaction, WithdrawRequest, RechargeParams,
 * ConsumeParams, TransferParams, WithdrawParams), sent as it sends them and
 * read after http.service.ts's unwrapping. The shared stack runs with
 * WALLET_RECHARGE_SANDBOX=true (.dev.vars.example): a recharge credits at once.
 */
import { describe, expect, it } from "vitest";
import { registerThroughClient } from "./accounts.ts";
import { asArray, asObject, httpService, send } from "./qingyu-http.ts";

describe("wallet — src/modules/shared/api/wallet.ts", () => {
  it("getWallet → GET /shared/wallet: userId, balance, frozenAmount, availableAmount, totalIncome, totalExpense, currency", async () => {
    const { token } = await registerThroughClient();
    const wallet = asObject(await httpService("GET", "/shared/wallet", { token }));
    expect(wallet).toMatchObject({ userId: expect.any(String), balance: 0, frozenAmount: 0, availableAmount: 0, totalIncome: 0, totalExpense: 0, currency: "CNY" });
  });

  it("recharge {amount, method} → 201 with the order; getBalance → GET /shared/wallet/balance reads the credited fen", async () => {
    const { token } = await registerThroughClient();
    const order = asObject(await httpService("POST", "/shared/wallet/recharge", { token, data: { amount: 100, method: "alipay" } }));
    expect(order).toMatchObject({ orderId: expect.any(String), status: "credited", amount: 10_000 });
    expect(await httpService("GET", "/shared/wallet/balance", { token })).toBe(10_000);
  });

  it("consume {amount, reason} → a Transaction: id, userId, type, amount, reason, description, status, createdAt", async () => {
    const { token } = await registerThroughClient();
    await httpService("POST", "/shared/wallet/recharge", { token, data: { amount: 10, method: "wechat" } });
    const row = asObject(await httpService("POST", "/shared/wallet/consume", { token, data: { amount: 2.5, reason: "第12章" } }));
    expect(row).toMatchObject({ id: expect.any(String), userId: expect.any(String), type: "consume", amount: -250, reason: "第12章", description: "第12章", status: "completed", createdAt: expect.any(String) });
  });

  it("transfer {toUserId, amount, reason} → data.id is the debit row's id (the transfer view reads it); the nested transaction and transfer stay", async () => {
    const sender = await registerThroughClient();
    const receiver = await registerThroughClient();
    await httpService("POST", "/shared/wallet/recharge", { token: sender.token, data: { amount: 50, method: "alipay" } });
    const sent = asObject(await httpService("POST", "/shared/wallet/transfer", { token: sender.token, data: { toUserId: receiver.user.id, amount: 12, reason: "打赏" } }));
    expect(sent.id).toEqual(asObject(sent.transaction ?? null).id);
    expect(sent).toMatchObject({ type: "transfer_out", amount: -1200, description: "打赏", relatedUser: receiver.user.id, relatedUserId: receiver.user.id, status: expect.any(String) });
    expect(asObject(sent.transfer ?? null)).toMatchObject({ toUserId: receiver.user.id, amount: 1200 });
  });

  it("getTransactions {params:{page,pageSize,type}} → the rows in data, pagination on the envelope; pageSize and type=income|expense sent plainly filter", async () => {
    const { token } = await registerThroughClient();
    await httpService("POST", "/shared/wallet/recharge", { token, data: { amount: 20, method: "alipay" } });
    await httpService("POST", "/shared/wallet/consume", { token, data: { amount: 1, reason: "章节" } });
    // As the module sends it: httpService.get(url, { params }) → params[page]=1&params[pageSize]=10&params[type]=income,
    // which no server reads as page/pageSize/type (a client bug): the answer is the unfiltered first page.
    const nested = await send("GET", "/shared/wallet/transactions", { token, params: { params: { page: 1, pageSize: 10, type: "income" } } });
    expect(nested.status).toBe(200);
    expect(nested.body.pagination).toMatchObject({ total: 2 });
    const plain = await send("GET", "/shared/wallet/transactions", { token, params: { page: 1, pageSize: 1, type: "expense" } });
    expect(plain.body.pagination).toMatchObject({ total: 1, page_size: 1 });
    const rows = asArray(await httpService("GET", "/shared/wallet/transactions", { token, params: { type: "income" } })).map(asObject);
    expect(rows).toEqual([expect.objectContaining({ type: "recharge", amount: 2000, description: "recharge via alipay", relatedUser: null, createdAt: expect.any(String) })]);
  });

  it("submitWithdraw {amount, account, accountType} → a WithdrawRequest: id, userId, amount, account, status, createdAt, processedAt; getWithdrawRequests lists it", async () => {
    const { token } = await registerThroughClient();
    await httpService("POST", "/shared/wallet/recharge", { token, data: { amount: 100, method: "alipay" } });
    const request = asObject(await httpService("POST", "/shared/wallet/withdraw", { token, data: { amount: 30, account: "me@alipay.com", accountType: "alipay" } }));
    expect(request).toMatchObject({ id: expect.any(String), userId: expect.any(String), amount: 3000, account: "me@alipay.com", status: "pending", createdAt: expect.any(String), processedAt: null, remark: null, method: "alipay" });
    expect(asObject(request.withdrawal ?? null).id).toBe(request.id);

    const listed = await send("GET", "/shared/wallet/withdraw-requests", { token, params: { params: { page: 1, pageSize: 20 } } });
    expect(listed.body.pagination).toMatchObject({ total: 1 });
    const rows = asArray(await httpService("GET", "/shared/wallet/withdraw-requests", { token })).map(asObject);
    expect(rows[0]).toMatchObject({ id: request.id, status: "pending", processedAt: null, remark: null });
  });
});
