/**
 * The web client's admin user management (src/modules/admin/api/user.api.ts):
 * calls go through the orval-generated `api` (src/modules/admin/api/generated/admin.ts)
 * and src/core/config/orval-mutator.ts, which hands `params` to
 * httpService.get(url, params) flat (page=1&pageSize=…), then http.service.ts
 * unwraps; `unwrapPayload` (src/modules/admin/api/shared.ts) takes `.data` if any.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { registerAdmin } from "../support/admin.ts";
import type { TokenPair } from "../support/users.ts";
import { registerThroughClient } from "./accounts.ts";
import { asArray, asObject, httpService, send } from "./qingyu-http.ts";

let admin: TokenPair;
beforeAll(async () => {
  admin = await registerAdmin();
});

describe("admin users — src/modules/admin/api/user.api.ts", () => {
  it("getUserList {page, pageSize, keyword} → {users, total, page, size}; each user as normalizeUser reads it (id, username, email, roles, status, createdAt, lastLoginAt, banReason)", async () => {
    const first = await registerThroughClient();
    await registerThroughClient();
    const keyword = first.username.slice(0, 4);
    const exchange = await send("GET", "/api/v1/admin/users", { token: admin.token, params: { page: 1, pageSize: 1, keyword } });
    expect(exchange.status).toBe(200);
    const list = asObject(await httpService("GET", "/api/v1/admin/users", { token: admin.token, params: { page: 1, pageSize: 1, keyword } }));
    expect(list).toMatchObject({ page: 1, size: 1 });
    expect(Number(list.total)).toBeGreaterThanOrEqual(2);
    const users = asArray(list.users ?? null).map(asObject);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: expect.any(String), username: expect.any(String), email: expect.any(String), roles: expect.any(Array), status: "active", createdAt: expect.any(String), banReason: null });
    expect("lastLoginAt" in (users[0] ?? {})).toBe(true);
  });

  it("updateUserStatus(id, {status, reason}) → PUT /admin/users/{id}/status; the list shows the new status and reason", async () => {
    const target = await registerThroughClient();
    await httpService("PUT", `/api/v1/admin/users/${String(target.user.id)}/status`, { token: admin.token, data: { status: "banned", reason: "刷屏" } });
    const list = asObject(await httpService("GET", "/api/v1/admin/users", { token: admin.token, params: { page: 1, pageSize: 5, keyword: target.username } }));
    expect(asArray(list.users ?? null).map(asObject)[0]).toMatchObject({ id: target.user.id, status: "banned", banReason: "刷屏" });
  });

  it("assignRole(id, {role}) sends one role where we take the complete set: a clean 400 naming roles, nothing changed", async () => {
    const target = await registerThroughClient();
    const refused = await send("PUT", `/api/v1/admin/users/${String(target.user.id)}/role`, { token: admin.token, data: { role: "writer" } });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(1001);
    expect(JSON.stringify(refused.body.data)).toContain("json.roles");
    const list = asObject(await httpService("GET", "/api/v1/admin/users", { token: admin.token, params: { page: 1, pageSize: 5, keyword: target.username } }));
    expect(asArray(list.users ?? null).map(asObject)[0]?.roles).toEqual(["reader"]);
  });
});
