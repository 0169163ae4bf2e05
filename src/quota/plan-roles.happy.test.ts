import { env } from "cloudflare:workers";
import type { Context } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../env";
import { createD1UserStore } from "../users/d1-user-store";
import type { Role, UserStore } from "../users/user-store";
import { planRoleOfUser, ROLE_MAX_AGE_MS, ROLE_REFRESH_AFTER_MS, ROLE_REFRESH_BATCH_MS } from "./plan-roles";

const d1 = createD1UserStore(env.DB, { timeoutMs: 1000, degradedMs: 500 });
const T0 = Date.parse("2026-11-27T04:00:00.000Z");

/** The real D1 store, counting reads on the request path and in the background. */
function countingStore() {
  const reads = { findById: 0, findRolesByIds: [] as string[][] };
  const users: UserStore = {
    ...d1,
    findById: (id) => {
      reads.findById += 1;
      return d1.findById(id);
    },
    findRolesByIds: (ids) => {
      reads.findRolesByIds.push([...ids]);
      return d1.findRolesByIds(ids);
    },
  };
  const logger = { warn: vi.fn(), info: vi.fn(), error: vi.fn(), debug: vi.fn() };
  // A request context as the quota routes see it; no execution context, as with app.request in tests.
  const c = { get: (key: string) => (key === "services" ? { users } : key === "logger" ? logger : undefined) } as unknown as Context<AppEnv>;
  return { c, reads };
}

async function user(roles: Role[]) {
  const id = crypto.randomUUID();
  const username = `roles_${id.slice(0, 8)}`;
  await d1.create({ id, username, email: `${username}@example.com`, passwordHash: "x", roles, status: "active", createdAt: T0 });
  return id;
}

describe("plan roles of users addressed by id (happy)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it("a role change reaches the plan in the background before the 30 s bound, and the request path never waits for D1 again", async () => {
    const { c, reads } = countingStore();
    const id = await user(["reader"]);
    expect(await planRoleOfUser(c, id)).toBe("reader");
    expect(reads.findById).toBe(1);
    await d1.setRoles(id, ["writer"], T0 + 1);

    vi.setSystemTime(T0 + ROLE_REFRESH_AFTER_MS - 1);
    expect(await planRoleOfUser(c, id)).toBe("reader"); // cached, not yet due for a refresh
    expect(reads.findRolesByIds).toEqual([]);
    vi.setSystemTime(T0 + ROLE_REFRESH_AFTER_MS + 5);
    expect(await planRoleOfUser(c, id)).toBe("reader"); // still within the bound: used, and queued
    await vi.advanceTimersByTimeAsync(ROLE_REFRESH_BATCH_MS);
    await vi.waitFor(() => expect(reads.findRolesByIds).toEqual([[id]]));
    await vi.waitFor(async () => expect(await planRoleOfUser(c, id)).toBe("writer"));
    expect(reads.findById).toBe(1);
  });

  it("a role is never used past the bound: without a refresh, the first request after 30 s reads D1", async () => {
    const { c, reads } = countingStore();
    const id = await user(["reader"]);
    expect(await planRoleOfUser(c, id)).toBe("reader");
    await d1.setRoles(id, ["vip_reader"], T0 + 1);
    vi.setSystemTime(T0 + ROLE_MAX_AGE_MS);
    expect(await planRoleOfUser(c, id)).toBe("vip_reader");
    expect(reads.findById).toBe(2);
    expect(reads.findRolesByIds).toEqual([]);
  });

  it("users due for a refresh within one batch window are read in one query", async () => {
    const { c, reads } = countingStore();
    const ids = await Promise.all([user(["reader"]), user(["writer"]), user(["master", "reader"])]);
    for (const id of ids) await planRoleOfUser(c, id);
    vi.setSystemTime(T0 + ROLE_REFRESH_AFTER_MS);
    for (const id of ids) await planRoleOfUser(c, id);
    await vi.advanceTimersByTimeAsync(ROLE_REFRESH_BATCH_MS);
    await vi.waitFor(() => expect(reads.findRolesByIds).toEqual([ids]));
    vi.setSystemTime(T0 + ROLE_MAX_AGE_MS + ROLE_REFRESH_BATCH_MS); // past the first reads' bound, within the refresh's
    await vi.waitFor(async () => expect(await Promise.all(ids.map((id) => planRoleOfUser(c, id)))).toEqual(["reader", "writer", "master"]));
    expect(reads.findById).toBe(3);
  });

  it("an unknown user is a 404; the batch read skips ids that do not exist (over 100 ids: several statements)", async () => {
    const { c } = countingStore();
    await expect(planRoleOfUser(c, crypto.randomUUID())).rejects.toMatchObject({ errorName: "NOT_FOUND" });
    const known = await user(["signed_writer"]);
    const ids = [...Array.from({ length: 150 }, () => crypto.randomUUID()), known];
    expect([...(await d1.findRolesByIds(ids))]).toEqual([[known, ["signed_writer"]]]);
  });
});
