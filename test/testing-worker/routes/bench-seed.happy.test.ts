import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH } from "../../../src/auth/passwords";
import { envelope, randomIp, registerUser } from "../../workerd/api";
import { benchApp } from "../bench-app";

const SERVICE = { authorization: `Bearer ${env.AI_SERVICE_TOKEN}` };

describe("bench seeding routes (happy)", () => {
  it("seeded users are real accounts with the asked role that the quota routes serve, and nobody can log into", async () => {
    const call = benchApp();
    const seeded = await envelope<{ ids: string[] }>(
      await call("/api/v1/internal/bench/users", { headers: SERVICE, json: { count: 3, role: "vip_reader" } }),
      201,
    );
    expect(new Set(seeded.data.ids).size).toBe(3);
    const [id] = seeded.data.ids;
    const consumed = await envelope<{ quota: { totalQuota: number; usedQuota: number } }>(
      await call(`/api/v1/internal/quota/${id}/consume`, { headers: SERVICE, json: { amount: 5, service: "t", requestId: crypto.randomUUID() } }),
      200,
    );
    // vip_reader's daily plan, not reader's 10,000: the role was stored.
    expect(consumed.data.quota).toMatchObject({ totalQuota: 100_000, usedQuota: 5 });

    const row = await env.DB.prepare("SELECT username, password_hash, roles FROM users WHERE id = ?")
      .bind(id)
      .first<{ username: string; password_hash: string; roles: string }>();
    expect(row).toMatchObject({ password_hash: DUMMY_PASSWORD_HASH, roles: '["vip_reader"]' });
    const login = await call("/api/v1/shared/auth/login", {
      json: { username: row?.username, password: "anything-at-all" },
      headers: { "CF-Connecting-IP": randomIp() },
    });
    expect(login.status).toBe(401);
  });

  it("ledger seeding adds real 1-fen consumes: the public route counts them and the balance went down by as many fen", async () => {
    const call = benchApp();
    const { pair } = await registerUser();
    const auth = { authorization: `Bearer ${pair.token}` };
    await envelope(await call("/api/v1/finance/wallet/recharge", { headers: auth, json: { amount: "10", method: "alipay" } }), 201);
    const seeded = await envelope<{ added: number; balance: number }>(
      await call(`/api/v1/internal/bench/wallet/${pair.user_id}/ledger`, { headers: SERVICE, json: { rows: 25 } }),
      200,
    );
    expect(seeded.data).toEqual({ added: 25, balance: 1000 - 25 });
    const page = (await (await call("/api/v1/finance/wallet/transactions?page=1&page_size=20", { headers: auth })).json()) as {
      data: Array<{ type: string }>;
      pagination: { total: number };
    };
    expect(page.pagination.total).toBe(26);
    expect(page.data).toHaveLength(20);
    expect(page.data.every((row) => row.type === "consume")).toBe(true);
  });

  it("one call does at most 1,000 rows or users", async () => {
    const call = benchApp();
    expect((await call("/api/v1/internal/bench/users", { headers: SERVICE, json: { count: 1001 } })).status).toBe(400);
    expect((await call("/api/v1/internal/bench/wallet/someone/ledger", { headers: SERVICE, json: { rows: 1001 } })).status).toBe(400);
  });
});
