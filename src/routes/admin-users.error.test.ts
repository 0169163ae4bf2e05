import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, login, registerAdmin, registerUser } from "../../test/workerd/api";
import { createD1UserStore } from "../users/d1-user-store";

type Details = { details: Record<string, string> };

describe("admin user routes (error)", () => {
  it("invalid bodies and queries → 400 code 1001 naming each field", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    const status = (json: unknown) => api(`/api/v1/admin/users/${pair.user_id}/status`, { method: "PUT", token: admin.pair.token, json });
    const cases: Array<[unknown, string]> = [
      [{ status: "banned" }, "json.reason"],
      [{ status: "banned", reason: "x", until: new Date(Date.now() - 1000).toISOString() }, "json.until"],
      [{ status: "banned", reason: "x", until: "tomorrow" }, "json.until"],
      [{ status: "disabled", until: new Date(Date.now() + 60_000).toISOString() }, "json.until"],
      [{ status: "active", reason: "why" }, "json.reason"],
      [{ status: "deleted" }, "json.status"],
    ];
    for (const [json, field] of cases) {
      const body = await envelope<Details>(await status(json), 400);
      expect(body.code, JSON.stringify(json)).toBe(1001);
      expect(Object.keys(body.data.details), JSON.stringify(json)).toContain(field);
    }
    const role = (json: unknown) => api(`/api/v1/admin/users/${pair.user_id}/role`, { method: "PUT", token: admin.pair.token, json });
    for (const json of [{ roles: [] }, { roles: ["emperor"] }, { roles: ["reader", "reader"] }, {}]) {
      expect((await envelope(await role(json), 400)).code, JSON.stringify(json)).toBe(1001);
    }
    for (const query of ["status=gone", "role=king", "page=0", "size=101", "keyword="]) {
      expect((await envelope(await api(`/api/v1/admin/users?${query}`, { token: admin.pair.token }), 400)).code, query).toBe(1001);
    }
  });

  it("unknown users → 404 on every per-user route", async () => {
    const admin = await registerAdmin();
    const token = admin.pair.token;
    const id = crypto.randomUUID();
    expect((await envelope(await api(`/api/v1/admin/users/${id}`, { token }), 404)).code).toBe(1004);
    expect((await envelope(await api(`/api/v1/admin/users/${id}/status`, { method: "PUT", token, json: { status: "disabled" } }), 404)).code).toBe(1004);
    expect((await envelope(await api(`/api/v1/admin/users/${id}/role`, { method: "PUT", token, json: { roles: ["reader"] } }), 404)).code).toBe(1004);
    expect((await envelope(await api(`/api/v1/admin/users/${id}/reset-password`, { method: "POST", token }), 404)).code).toBe(1004);
  });

  it("an admin cannot change their own status → 409", async () => {
    const admin = await registerAdmin();
    const response = await api(`/api/v1/admin/users/${admin.pair.user_id}/status`, { method: "PUT", token: admin.pair.token, json: { status: "disabled" } });
    expect((await envelope(response, 409)).code).toBe(1006);
  });

  it("the last active admin cannot be demoted; a banned admin does not count; with another active admin it works", async () => {
    // This file's D1 is its own: start with exactly one active admin.
    const first = await registerAdmin();
    await env.DB.prepare(`UPDATE users SET roles = '["reader"]' WHERE id != ?`).bind(first.pair.user_id).run();
    // Through the API an admin can no longer demote themselves (their own roles are refused), so the
    // last-admin rule, which is part of the D1 UPDATE, is checked on the store the route uses.
    const users = createD1UserStore(env.DB, { timeoutMs: 1000, degradedMs: 500 });
    expect(await users.setRoles(first.pair.user_id, ["reader"], Date.now())).toBe("last_admin");
    const refused = await envelope(
      await api(`/api/v1/admin/users/${first.pair.user_id}/role`, { method: "PUT", token: first.pair.token, json: { roles: ["reader"] } }),
      409,
    );
    expect(refused.code).toBe(1006);

    const second = await registerAdmin();
    await envelope(
      await api(`/api/v1/admin/users/${second.pair.user_id}/status`, { method: "PUT", token: first.pair.token, json: { status: "banned", reason: "test" } }),
      200,
    );
    expect(await users.setRoles(first.pair.user_id, ["reader"], Date.now())).toBe("last_admin");

    await envelope(await api(`/api/v1/admin/users/${second.pair.user_id}/status`, { method: "PUT", token: first.pair.token, json: { status: "active" } }), 200);
    const secondToken = (await login(second.username, second.password)).token;
    await envelope(await api(`/api/v1/admin/users/${first.pair.user_id}/role`, { method: "PUT", token: secondToken, json: { roles: ["reader"] } }), 200);
    // Being demoted ends your sessions: the token carried the admin role.
    expect((await envelope(await api("/api/v1/admin/users", { token: first.pair.token }), 401)).code).toBe(2016);
  });

  it("an admin cannot change their own roles, not even to add one (409, roles unchanged)", async () => {
    const admin = await registerAdmin();
    const refused = await envelope(
      await api(`/api/v1/admin/users/${admin.pair.user_id}/role`, { method: "PUT", token: admin.pair.token, json: { roles: ["reader", "admin", "writer"] } }),
      409,
    );
    expect(refused.code).toBe(1006);
    expect(refused.message).toMatch(/your own roles/);
    const row = await env.DB.prepare("SELECT roles FROM users WHERE id = ?").bind(admin.pair.user_id).first<{ roles: string }>();
    expect(JSON.parse(row?.roles ?? "[]")).not.toContain("writer");
  });
});
