/** Account notices in the QuotaCounter's inbox, beside the quota-level notifications, and the schema step that made room for them. */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INBOX_NOTICES_STEP } from "./quota/schema";
import { freshCounter, ok, sqlRows, testPolicy } from "../test/workerd/quota-counter-object";

describe("QuotaCounter account notices", () => {
  it("stores a notice once per event id, worded as its email, beside unchanged quota-level entries", async () => {
    const stub = freshCounter("notices");
    const policy = testPolicy({ daily: 100 });
    ok(await stub.consume({ amount: 85, service: "chat", requestId: "c1" }, policy));
    const levelsBefore = ok(await stub.listNotifications({})).items;
    expect(levelsBefore.map((item) => [item.kind, "level" in item ? item.level : null])).toEqual([["quota_level", "warning"]]);

    const notice = { eventId: "withdrawal_rejected:w-1", kind: "withdrawal_rejected" as const, details: { amountFen: 2_000, reason: "account closed" }, createdAt: 1_700_000_000_000 };
    const first = ok(await stub.addAccountNotice(notice));
    const replayed = ok(await stub.addAccountNotice({ ...notice, details: { amountFen: 1 } }));
    expect(first.created).toBe(true);
    expect(replayed.created).toBe(false);
    expect(replayed.notification).toEqual(first.notification);
    expect(first.notification).toMatchObject({
      kind: "withdrawal_rejected",
      eventId: "withdrawal_rejected:w-1",
      details: { amountFen: 2_000, reason: "account closed" },
      title: "Withdrawal rejected",
      message: expect.stringContaining("¥20.00 was rejected: account closed"),
      createdAt: "2023-11-14T22:13:20.000Z",
      readAt: null,
    });

    const page = ok(await stub.listNotifications({ countByKind: true }));
    expect(page).toMatchObject({ total: 2, unread: 2, byKind: { quota_level: 1, withdrawal_rejected: 1 } });
    expect(page.items.find((item) => item.kind === "quota_level")).toEqual(levelsBefore[0]);

    // Read state survives a replay: the row is never rewritten.
    ok(await stub.markNotificationRead({ id: first.notification.id }));
    expect(ok(await stub.addAccountNotice(notice)).notification.readAt).not.toBeNull();
    expect(ok(await stub.listNotifications({ unreadOnly: true })).total).toBe(1);
    expect(ok(await stub.markAllNotificationsRead()).updated).toBe(1);
  });

  it("refuses an unknown kind or an empty event id", async () => {
    const stub = freshCounter("notices-bad");
    expect(await stub.addAccountNotice({ eventId: "", kind: "password_changed" })).toMatchObject({ error: { code: "invalid_argument" } });
    expect(await stub.addAccountNotice({ eventId: "x", kind: "quota_level" as "password_changed" })).toMatchObject({ error: { code: "invalid_argument" } });
    expect(await sqlRows(stub, "SELECT * FROM notifications")).toEqual([]);
  });

  it("the inbox step keeps the quota-level rows of an object written before it, read state and all", async () => {
    const stub = freshCounter("notices-step");
    const rows = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // Back to the first schema's inbox, with one read and one unread level event.
      sql.exec("DROP TABLE notifications");
      sql.exec(`CREATE TABLE notifications (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, quota_type TEXT NOT NULL, level TEXT NOT NULL, previous_level TEXT NOT NULL,
        threshold REAL NOT NULL, remaining INTEGER NOT NULL, total INTEGER NOT NULL, reset_at INTEGER, created_at INTEGER NOT NULL, read_at INTEGER)`);
      sql.exec("INSERT INTO notifications VALUES (1, 'a0000000-0000-4000-8000-000000000001', 'daily', 'warning', 'normal', 20, 15, 100, NULL, 10, 20)");
      sql.exec("INSERT INTO notifications VALUES (2, 'a0000000-0000-4000-8000-000000000002', 'daily', 'critical', 'warning', 10, 5, 100, NULL, 30, NULL)");
      state.storage.transactionSync(() => sql.exec(INBOX_NOTICES_STEP));
      return sql.exec("SELECT seq, id, kind, event_id, level, read_at FROM notifications ORDER BY seq").toArray();
    });
    expect(rows).toEqual([
      { seq: 1, id: "a0000000-0000-4000-8000-000000000001", kind: "quota_level", event_id: "a0000000-0000-4000-8000-000000000001", level: "warning", read_at: 20 },
      { seq: 2, id: "a0000000-0000-4000-8000-000000000002", kind: "quota_level", event_id: "a0000000-0000-4000-8000-000000000002", level: "critical", read_at: null },
    ]);
    const page = ok(await stub.listNotifications({}));
    expect(page).toMatchObject({ total: 2, unread: 1 });
    expect(page.items.map((item) => ("level" in item ? item.level : item.kind))).toEqual(["critical", "warning"]);
  });
});
