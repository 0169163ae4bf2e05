/**
 * Contract tests of the MongoDB Data API user store. No MongoDB server can be
 * installed on our machines, so the adapter runs against a local server that
 * enforces the documented Data API v1 request and response shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMongoDataApiUserStore, DataApiError } from "../../src/users/mongo-data-api-user-store.ts";
import { DuplicateUserError, type Role, type UserStore } from "../../src/users/user-store.ts";
import { startDataApiServer, type DataApiServer } from "./data-api-server.ts";

const API_KEY = "contract-test-api-key";
let server: DataApiServer;
let store: UserStore;

beforeAll(async () => {
  server = await startDataApiServer({ apiKey: API_KEY, dataSource: "Cluster0", database: "qingyu", uniqueFields: ["username_lower", "email"] });
  store = createMongoDataApiUserStore({
    baseUrl: server.url,
    apiKey: API_KEY,
    dataSource: "Cluster0",
    database: "qingyu",
    limits: { timeoutMs: 1000, degradedMs: 500 },
  });
});
afterAll(() => server.close());

const newUser = (name: string) => ({
  id: crypto.randomUUID(),
  username: name,
  email: `${name.toLowerCase()}@Example.com`,
  passwordHash: "pbkdf2_sha256$100000$c2FsdA==$aGFzaA==",
  roles: ["reader" as const],
  status: "active" as const,
  createdAt: 1_764_230_400_000,
});

describe("MongoDB Data API user store (contract)", () => {
  it("insertOne sends {dataSource, database, collection, document} with the apiKey header", async () => {
    const created = await store.create(newUser("Mei_Lin"));
    const request = server.requests.at(-1);
    expect(request?.action).toBe("insertOne");
    expect(request?.headers.apikey).toBe(API_KEY);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toMatchObject({
      dataSource: "Cluster0",
      database: "qingyu",
      collection: "users",
      document: { _id: created.id, username: "Mei_Lin", username_lower: "mei_lin", email: "mei_lin@example.com" },
    });
  });

  it("findOne by id, by username (case-insensitive) and by email", async () => {
    const created = await store.create(newUser("Zhao_Yun"));
    expect((await store.findById(created.id))?.username).toBe("Zhao_Yun");
    expect(server.requests.at(-1)?.body).toMatchObject({ filter: { _id: created.id } });
    expect((await store.findByLogin("ZHAO_YUN"))?.id).toBe(created.id);
    expect(server.requests.at(-1)?.body).toMatchObject({ filter: { username_lower: "zhao_yun" } });
    expect((await store.findByLogin("Zhao_Yun@example.com"))?.id).toBe(created.id);
    expect(server.requests.at(-1)?.body).toMatchObject({ filter: { email: "zhao_yun@example.com" } });
    expect(await store.findByLogin("nobody")).toBeNull();
  });

  it("findRolesByIds: one find with $in and a roles projection; missing ids are absent", async () => {
    const a = await store.create(newUser("Roles_A"));
    const b = await store.create({ ...newUser("Roles_B"), roles: ["reader", "writer"] as Role[] });
    const roles = await store.findRolesByIds([a.id, "no-such-user", b.id]);
    expect(roles).toEqual(
      new Map([
        [a.id, ["reader"]],
        [b.id, ["reader", "writer"]],
      ]),
    );
    expect(server.requests.at(-1)).toMatchObject({
      action: "find",
      body: { filter: { _id: { $in: [a.id, "no-such-user", b.id] } }, projection: { _id: 1, roles: 1 } },
    });
  });

  it("a duplicate username or email surfaces as DuplicateUserError naming the field", async () => {
    await store.create(newUser("Dup_User"));
    await expect(store.create({ ...newUser("dup_user"), email: "other@example.com" })).rejects.toEqual(new DuplicateUserError("username"));
    await expect(store.create({ ...newUser("Another"), email: "dup_user@example.com" })).rejects.toEqual(new DuplicateUserError("email"));
  });

  it("updateOne uses $set operators; profile, password and login time round-trip", async () => {
    const created = await store.create(newUser("Su_Shi"));
    const updated = await store.updateProfile(created.id, { nickname: "Dongpo", bio: "poet" }, 1_764_230_500_000);
    const update = server.requests.find((request) => request.action === "updateOne")?.body;
    expect(update).toMatchObject({ filter: { _id: created.id }, update: { $set: { nickname: "Dongpo", bio: "poet", updated_at: 1_764_230_500_000 } } });
    expect(updated).toMatchObject({ nickname: "Dongpo", bio: "poet", updatedAt: 1_764_230_500_000 });
    await store.updatePassword(created.id, "pbkdf2_sha256$100000$bmV3$bmV3", 1_764_230_600_000);
    await store.recordLogin(created.id, 1_764_230_700_000);
    const reread = await store.findById(created.id);
    expect(reread).toMatchObject({ passwordHash: "pbkdf2_sha256$100000$bmV3$bmV3", lastLoginAt: 1_764_230_700_000, mustChangePassword: false });
    // An admin's temporary password sets the must-change flag; the user's own next password clears it.
    await store.updatePassword(created.id, "pbkdf2_sha256$100000$dG1w$dG1w", 1_764_230_800_000, true);
    expect(await store.findById(created.id)).toMatchObject({ mustChangePassword: true });
    await store.updatePassword(created.id, "pbkdf2_sha256$100000$b3du$b3du", 1_764_230_900_000);
    expect(await store.findById(created.id)).toMatchObject({ mustChangePassword: false });
  });

  it("health uses find with limit 1 and reports healthy", async () => {
    const result = await store.health.health();
    expect(result.status).not.toBe("unhealthy");
    expect(server.requests.at(-1)).toMatchObject({ action: "find", body: { filter: {}, limit: 1 } });
  });

  it("a wrong API key → the documented 401 InvalidSession surfaces as DataApiError", async () => {
    const wrong = createMongoDataApiUserStore({
      baseUrl: server.url,
      apiKey: "wrong",
      dataSource: "Cluster0",
      database: "qingyu",
      limits: { timeoutMs: 1000, degradedMs: 500 },
    });
    const error = await wrong.findById("x").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataApiError);
    expect((error as DataApiError).status).toBe(401);
    expect((error as DataApiError).errorCode).toBe("InvalidSession");
    expect((await wrong.health.health()).status).toBe("unhealthy");
  });
});

describe("MongoDB Data API user store: admin queries (contract)", () => {
  const NOW = 1_764_300_000_000;
  /** A server of its own, so counts see only this block's accounts. */
  let admin: DataApiServer;
  let users: UserStore;
  beforeAll(async () => {
    admin = await startDataApiServer({ apiKey: API_KEY, dataSource: "Cluster0", database: "qingyu", uniqueFields: ["username_lower", "email"] });
    users = createMongoDataApiUserStore({
      baseUrl: admin.url,
      apiKey: API_KEY,
      dataSource: "Cluster0",
      database: "qingyu",
      limits: { timeoutMs: 1000, degradedMs: 500 },
    });
  });
  afterAll(() => admin.close());

  const make = (name: string, createdAt: number, roles: Role[] = ["reader"]) => users.create({ ...newUser(name), roles, createdAt });

  it("list: filters, newest first, skip/limit, and the total from an aggregate $match/$count", async () => {
    const a = await make("Lin_Daiyu", NOW - 3000);
    const b = await make("Xue_Baochai", NOW - 2000, ["reader", "writer"]);
    const c = await make("Jia_Baoyu", NOW - 1000, ["reader", "admin"]);
    await users.updateProfile(a.id, { nickname: "林黛玉 Daiyu" }, NOW);

    const page = await users.list({}, { limit: 2, offset: 0 }, NOW);
    expect(page.total).toBe(3);
    expect(page.users.map((user) => user.id)).toEqual([c.id, b.id]);
    const find = admin.requests.findLast((request) => request.action === "find")?.body;
    expect(find).toMatchObject({ filter: {}, sort: { created_at: -1, _id: 1 }, skip: 0, limit: 2 });
    expect(admin.requests.findLast((request) => request.action === "aggregate")?.body).toMatchObject({ pipeline: [{ $match: {} }, { $count: "n" }] });
    expect((await users.list({}, { limit: 2, offset: 2 }, NOW)).users.map((user) => user.id)).toEqual([a.id]);

    expect((await users.list({ keyword: "BAOCHAI" }, { limit: 10, offset: 0 }, NOW)).users.map((user) => user.id)).toEqual([b.id]);
    expect((await users.list({ keyword: "黛玉" }, { limit: 10, offset: 0 }, NOW)).users.map((user) => user.id)).toEqual([a.id]);
    // Regex characters are literal: "^lin" would match lin_daiyu as a pattern, but no account contains it.
    expect((await users.list({ keyword: "^lin" }, { limit: 10, offset: 0 }, NOW)).total).toBe(0);
    expect((await users.list({ role: "writer" }, { limit: 10, offset: 0 }, NOW)).users.map((user) => user.id)).toEqual([b.id]);
    expect(await users.count({ createdFrom: NOW - 2000 }, NOW)).toBe(2);
    await users.recordLogin(c.id, NOW - 500);
    expect(await users.count({ lastLoginFrom: NOW - 1000 }, NOW)).toBe(1);
  });

  it("setStatus: a ban with an end reads as banned until then, and as active after it", async () => {
    const user = await make("Wang_Xifeng", NOW);
    const banned = await users.setStatus(user.id, { status: "banned", reason: "spam", until: NOW + 60_000 }, NOW);
    expect(banned).toMatchObject({ status: "banned", banReason: "spam", bannedUntil: NOW + 60_000 });
    expect(admin.requests.findLast((request) => request.action === "updateOne")?.body).toMatchObject({
      filter: { _id: user.id },
      update: { $set: { status: "banned", ban_reason: "spam", banned_until: NOW + 60_000, updated_at: NOW } },
    });
    expect(await users.count({ status: "banned", keyword: "wang_xifeng" }, NOW)).toBe(1);
    expect(await users.count({ status: "banned", keyword: "wang_xifeng" }, NOW + 60_000)).toBe(0);
    expect(await users.count({ status: "active", keyword: "wang_xifeng" }, NOW + 60_000)).toBe(1);
    expect(await users.setStatus("no-such-id", { status: "active", reason: null, until: null }, NOW)).toBe("not_found");
  });

  it("the last active admin cannot be demoted or banned; the write is undone", async () => {
    const server2 = await startDataApiServer({ apiKey: API_KEY, dataSource: "Cluster0", database: "qingyu", uniqueFields: ["username_lower", "email"] });
    const store = createMongoDataApiUserStore({
      baseUrl: server2.url,
      apiKey: API_KEY,
      dataSource: "Cluster0",
      database: "qingyu",
      limits: { timeoutMs: 1000, degradedMs: 500 },
    });
    try {
      const only = await store.create({ ...newUser("Only_Admin"), roles: ["reader", "admin"] });
      expect(await store.setRoles(only.id, ["reader"], NOW)).toBe("last_admin");
      expect(await store.setStatus(only.id, { status: "banned", reason: "x", until: null }, NOW)).toBe("last_admin");
      expect(await store.findById(only.id)).toMatchObject({ roles: ["reader", "admin"], status: "active", banReason: null });
      const second = await store.create({ ...newUser("Second_Admin"), roles: ["admin"] });
      expect(await store.setRoles(only.id, ["reader"], NOW)).toMatchObject({ roles: ["reader"] });
      expect(await store.setRoles(second.id, ["writer"], NOW)).toBe("last_admin");
      expect(await store.setRoles(second.id, ["writer", "admin"], NOW)).toMatchObject({ roles: ["writer", "admin"] });
    } finally {
      await server2.close();
    }
  });

  it("the stand-in refuses operators it does not implement (400 InvalidParameter)", async () => {
    const response = await fetch(`${admin.url}/action/find`, {
      method: "POST",
      headers: { "content-type": "application/json", apiKey: API_KEY },
      body: JSON.stringify({ dataSource: "Cluster0", database: "qingyu", collection: "users", filter: { $where: "1" } }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_code: string }).error_code).toBe("InvalidParameter");
  });
});
