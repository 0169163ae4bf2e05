import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { consume } from "../../test/workerd/quota";

type Item = { id: string; level: string; readAt: string | null };
type Page = { items: Item[]; total: number; page: number; page_size: number; unread: number };
type Count = { success: boolean; count: number; affected: number };

/** A user with three unread notifications: warning (19 % left), critical (9 %), exhausted (0 %). */
async function userWithThreeNotifications() {
  const { pair } = await registerUser();
  await consume(pair.user_id, 8_100);
  await consume(pair.user_id, 1_000);
  await consume(pair.user_id, 900);
  return pair.token;
}

const get = async <T>(path: string, token: string) => (await envelope<T>(await api(path, { token }), 200)).data;
const send = async <T>(path: string, token: string, method: string, json?: unknown) => (await envelope<T>(await api(path, { token, method, json }), 200)).data;

describe("notification inbox as the web client reads it (happy)", () => {
  it("the list is {items, total, page, page_size, unread}; pageSize and status=unread are accepted", async () => {
    const token = await userWithThreeNotifications();
    const page = await get<Page>("/api/v1/notifications?page=1&page_size=2", token);
    expect(page).toMatchObject({ total: 3, page: 1, page_size: 2, unread: 3 });
    expect(page.items.map((item) => item.level)).toEqual(["exhausted", "critical"]);
    const second = await get<Page>("/api/v1/notifications?page=2&pageSize=2", token);
    expect(second.items.map((item) => item.level)).toEqual(["warning"]);
    expect((await get<Page>("/api/v1/notifications?status=unread", token)).total).toBe(3);
  });

  it("unread-count, stats, PUT and POST /{id}/read, batch-read and read-all (POST and PUT) agree with each other", async () => {
    const token = await userWithThreeNotifications();
    const { items } = await get<Page>("/api/v1/notifications", token);
    expect(await get("/api/v1/notifications/unread-count", token)).toEqual({ count: 3 });
    expect(await get("/api/v1/notifications/stats", token)).toEqual({ total: 3, unread: 3, by_type: { quota_level: 3 } });

    const read = await send<Item & { success: boolean }>(`/api/v1/notifications/${items[0]?.id}/read`, token, "PUT");
    expect(read).toMatchObject({ id: items[0]?.id, success: true });
    expect(read.readAt).not.toBeNull();
    expect(await get("/api/v1/notifications/unread-count", token)).toEqual({ count: 2 });

    const batch = await send<Count>("/api/v1/notifications/batch-read", token, "POST", { notification_ids: [items[0]?.id, items[1]?.id, crypto.randomUUID()] });
    expect(batch).toEqual({ success: true, count: 1, affected: 1 });
    expect(await get("/api/v1/notifications/unread-count", token)).toEqual({ count: 1 });

    expect(await send<Count>("/api/v1/notifications/read-all", token, "PUT")).toEqual({ success: true, count: 1, affected: 1 });
    expect(await send<Count>("/api/v1/notifications/read-all", token, "POST")).toEqual({ success: true, count: 0, affected: 0 });
    expect(await get("/api/v1/notifications/stats", token)).toEqual({ total: 3, unread: 0, by_type: { quota_level: 3 } });
  });

  it("another user's notification id cannot be read; a malformed batch is a 400 envelope", async () => {
    const token = await userWithThreeNotifications();
    const { items } = await get<Page>("/api/v1/notifications", token);
    const { pair: other } = await registerUser();
    expect((await envelope(await api(`/api/v1/notifications/${items[0]?.id}/read`, { token: other.token, method: "PUT" }), 404)).code).toBe(1004);
    expect((await envelope(await api("/api/v1/notifications/batch-read", { token, method: "POST", json: { notification_ids: ["nope"] } }), 400)).code).toBe(1001);
    expect((await envelope(await api("/api/v1/notifications/batch-read", { token, method: "POST", json: { notification_ids: [] } }), 400)).code).toBe(1001);
  });
});
