import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createD1UserStore } from "./d1-user-store";
import type { Role } from "./user-store";

const store = createD1UserStore(env.DB, { timeoutMs: 1000, degradedMs: 500 });
const NOW = 1_764_300_000_000;

let counter = 0;
/** A user whose name starts with `prefix`, so each test can find only its own accounts by keyword. */
function make(prefix: string, options: { createdAt?: number; roles?: Role[] } = {}) {
  counter += 1;
  const username = `${prefix}_${counter}`;
  return store.create({
    id: crypto.randomUUID(),
    username,
    email: `${username.toLowerCase()}@example.com`,
    passwordHash: "pbkdf2_sha256$100000$c2FsdA==$aGFzaA==",
    roles: options.roles ?? ["reader"],
    status: "active",
    createdAt: options.createdAt ?? NOW,
  });
}

describe("D1 user store: admin listing (happy)", () => {
  it("newest first with a real total; keyword matches username, email or nickname; LIKE wildcards are literal", async () => {
    const a = await make("Listing", { createdAt: NOW - 3 });
    const b = await make("Listing", { createdAt: NOW - 2, roles: ["reader", "writer"] });
    const c = await make("Listing", { createdAt: NOW - 1 });
    await store.updateProfile(a.id, { nickname: "林黛玉 100%" }, NOW);

    const first = await store.list({ keyword: "listing" }, { limit: 2, offset: 0 }, NOW);
    expect(first.total).toBe(3);
    expect(first.users.map((user) => user.id)).toEqual([c.id, b.id]);
    expect((await store.list({ keyword: "listing" }, { limit: 2, offset: 2 }, NOW)).users.map((user) => user.id)).toEqual([a.id]);
    expect((await store.list({ keyword: "黛玉" }, { limit: 10, offset: 0 }, NOW)).users.map((user) => user.id)).toEqual([a.id]);
    expect((await store.list({ keyword: `${b.username.toUpperCase()}@EXAMPLE` }, { limit: 10, offset: 0 }, NOW)).users.map((user) => user.id)).toEqual([b.id]);
    expect(await store.count({ keyword: "100%" }, NOW)).toBe(1);
    expect(await store.count({ keyword: "listing_%" }, NOW)).toBe(0);
    // 60 bytes of UTF-8: D1 refused a LIKE pattern this long ("pattern too complex"), a 500 the contract fuzzer found.
    expect(await store.count({ keyword: "林黛玉林黛玉林黛玉林黛玉林黛玉林黛玉林黛玉" }, NOW)).toBe(0);
    expect((await store.list({ keyword: "林黛玉 100%" }, { limit: 10, offset: 0 }, NOW)).users.map((user) => user.id)).toEqual([a.id]);
    expect(await store.count({ keyword: "listing", role: "writer" }, NOW)).toBe(1);
    expect(await store.count({ keyword: "listing", createdFrom: NOW - 2 }, NOW)).toBe(2);
  });

  it("last login filter counts logins at or after the time", async () => {
    const user = await make("Seen");
    await store.recordLogin(user.id, NOW - 1000);
    expect(await store.count({ keyword: "seen", lastLoginFrom: NOW - 1000 }, NOW)).toBe(1);
    expect(await store.count({ keyword: "seen", lastLoginFrom: NOW - 999 }, NOW)).toBe(0);
  });
});

describe("D1 user store: status and roles (happy)", () => {
  it("a ban with an end reads as banned until then and as active after it, in records and in filters", async () => {
    const user = await make("Banned");
    expect(await store.setStatus(user.id, { status: "banned", reason: "spam", until: NOW + 60_000 }, NOW)).toMatchObject({
      status: "banned",
      banReason: "spam",
      bannedUntil: NOW + 60_000,
      updatedAt: NOW,
    });
    expect(await store.count({ keyword: "banned", status: "banned" }, NOW)).toBe(1);
    expect(await store.count({ keyword: "banned", status: "active" }, NOW + 60_000)).toBe(1);
    expect(await store.count({ keyword: "banned", status: "banned" }, NOW + 60_000)).toBe(0);
    // findById uses the clock: the ban above ended long ago in real time (NOW is in 2025).
    expect(await store.findById(user.id)).toMatchObject({ status: "active", banReason: null, bannedUntil: null });
    expect(await store.setStatus(user.id, { status: "active", reason: null, until: null }, NOW)).toMatchObject({ status: "active" });
  });

  it("unknown ids → not_found", async () => {
    expect(await store.setStatus("nope", { status: "disabled", reason: null, until: null }, NOW)).toBe("not_found");
    expect(await store.setRoles("nope", ["reader"], NOW)).toBe("not_found");
  });
});

describe("D1 user store: never leave no active admin (error)", () => {
  it("the last active admin can be neither demoted nor banned; a banned admin does not count", async () => {
    // This file's D1 is its own; make sure no other admin exists yet.
    await env.DB.prepare(`UPDATE users SET roles = '["reader"]'`).run();
    const only = await make("Admin", { roles: ["reader", "admin"] });
    expect(await store.setRoles(only.id, ["reader"], NOW)).toBe("last_admin");
    expect(await store.setStatus(only.id, { status: "disabled", reason: "x", until: null }, NOW)).toBe("last_admin");
    expect(await store.findById(only.id)).toMatchObject({ roles: ["reader", "admin"], status: "active" });

    const other = await make("Admin", { roles: ["admin"] });
    expect(await store.setStatus(other.id, { status: "banned", reason: "x", until: null }, NOW)).toMatchObject({ status: "banned" });
    expect(await store.setRoles(only.id, ["reader"], NOW)).toBe("last_admin");
    // Non-admins can still be changed freely.
    const reader = await make("Reader");
    expect(await store.setRoles(reader.id, ["reader", "writer"], NOW)).toMatchObject({ roles: ["reader", "writer"] });
    expect(await store.setStatus(other.id, { status: "active", reason: null, until: null }, NOW)).toMatchObject({ status: "active" });
    expect(await store.setRoles(only.id, ["reader"], NOW)).toMatchObject({ roles: ["reader"] });
  });

  it("two admins demoting each other at once: exactly one succeeds", async () => {
    await env.DB.prepare(`UPDATE users SET roles = '["reader"]'`).run();
    const [x, y] = await Promise.all([make("Duel", { roles: ["admin"] }), make("Duel", { roles: ["admin"] })]);
    const results = await Promise.all([store.setRoles(x.id, ["reader"], NOW), store.setRoles(y.id, ["reader"], NOW)]);
    expect(results.filter((result) => result === "last_admin")).toHaveLength(1);
    expect(await store.count({ role: "admin", status: "active" }, NOW)).toBe(1);
  });
});
