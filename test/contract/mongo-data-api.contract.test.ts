/**
 * Contract tests of the MongoDB Data API user store. No MongoDB server can be
 * installed on our machines, so the adapter runs against a local server that
 * enforces the documented Data API v1 request and response shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMongoDataApiUserStore, DataApiError } from "../../src/users/mongo-data-api-user-store.ts";
import { DuplicateUserError, type UserStore } from "../../src/users/user-store.ts";
import { startDataApiServer, type DataApiServer } from "./data-api-server.ts";

const API_KEY = "contract-test-api-key";
let server: DataApiServer;
let store: UserStore;

beforeAll(async () => {
  server = await startDataApiServer({ apiKey: API_KEY, dataSource: "Cluster0", database: "qingyu", uniqueFields: ["username_lower", "email"] });
  store = createMongoDataApiUserStore({ baseUrl: server.url, apiKey: API_KEY, dataSource: "Cluster0", database: "qingyu", limits: { timeoutMs: 1000, degradedMs: 500 } });
});
afterAll(() => server.close());

const newUser = (name: string) => ({ id: crypto.randomUUID(), username: name, email: `${name.toLowerCase()}@Example.com`, passwordHash: "pbkdf2_sha256$100000$c2FsdA==$aGFzaA==", roles: ["reader" as const], status: "active" as const, createdAt: 1_764_230_400_000 });

describe("MongoDB Data API user store (contract)", () => {
  it("insertOne sends {dataSource, database, collection, document} with the apiKey header", async () => {
    const created = await store.create(newUser("Mei_Lin"));
    const request = server.requests.at(-1);
    expect(request?.action).toBe("insertOne");
    expect(request?.headers.apikey).toBe(API_KEY);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toMatchObject({ dataSource: "Cluster0", database: "qingyu", collection: "users", document: { _id: created.id, username: "Mei_Lin", username_lower: "mei_lin", email: "mei_lin@example.com" } });
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
    expect(reread).toMatchObject({ passwordHash: "pbkdf2_sha256$100000$bmV3$bmV3", lastLoginAt: 1_764_230_700_000 });
  });

  it("health uses find with limit 1 and reports healthy", async () => {
    const result = await store.health.health();
    expect(result.status).not.toBe("unhealthy");
    expect(server.requests.at(-1)).toMatchObject({ action: "find", body: { filter: {}, limit: 1 } });
  });

  it("a wrong API key → the documented 401 InvalidSession surfaces as DataApiError", async () => {
    const wrong = createMongoDataApiUserStore({ baseUrl: server.url, apiKey: "wrong", dataSource: "Cluster0", database: "qingyu", limits: { timeoutMs: 1000, degradedMs: 500 } });
    const error = await wrong.findById("x").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataApiError);
    expect((error as DataApiError).status).toBe(401);
    expect((error as DataApiError).errorCode).toBe("InvalidSession");
    expect((await wrong.health.health()).status).toBe("unhealthy");
  });
});
