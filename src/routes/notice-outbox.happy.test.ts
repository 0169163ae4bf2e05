/**
 * The password-changed notice survives a Worker dying between the password
 * write and the enqueue: the D1 user store writes it to the notice outbox in
 * the same batch as the password, and the cron drain sends what is left.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { noticeMessage } from "../auth/account-notices";
import { hashPassword } from "../auth/passwords";
import { drainNoticeOutbox, handleScheduled } from "../messaging/notice-outbox";
import { createMessagingService } from "../messaging/service";
import type { QueueMessageBody } from "../messaging/messages";
import { createD1UserStore } from "../users/d1-user-store";
import { api, envelope, login, registerUser } from "../../test/workerd/api";

const users = createD1UserStore(env.DB, { timeoutMs: 1_000, degradedMs: 500 });
const outboxRows = async (userId: string) =>
  (await env.DB.prepare("SELECT id FROM notice_outbox WHERE json_extract(body, '$.userId') = ?").bind(userId).all<{ id: string }>()).results;
const passwordNotices = async (token: string) =>
  (await envelope<{ items: Array<{ kind: string; eventId: string }> }>(await api("/api/v1/notifications", { token }), 200)).data.items.filter((item) => item.kind === "password_changed");

async function waitForPasswordNotices(token: string, count: number): Promise<Array<{ kind: string; eventId: string }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const notices = await passwordNotices(token);
    if (notices.length >= count || Date.now() > deadline) return notices;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("notice outbox for password changes", () => {
  it("a change that answered leaves no outbox row: its own send enqueued the notice and dropped the row", async () => {
    const user = await registerUser();
    const changed = await api("/api/v1/user/password", { method: "PUT", token: user.pair.token, json: { old_password: user.password, new_password: "newReading2025" } });
    expect(changed.status).toBe(200);
    expect(await outboxRows(user.pair.user_id)).toEqual([]);
    expect(await waitForPasswordNotices(user.pair.token, 1)).toHaveLength(1);
  }, 40_000);

  it("a Worker that died after the password write: the cron drain sends the notice, once, and only after the grace", async () => {
    const user = await registerUser();
    // What the route writes before it would enqueue: the new password and, in the same batch, its notice.
    const notice = { ...noticeMessage({ event: "password_changed", userId: user.pair.user_id, to: null }), createdAt: Date.now() - 120_000 };
    await users.updatePassword(user.pair.user_id, await hashPassword("diedAfter2025"), Date.now(), false, notice);
    const token = (await login(user.username, "diedAfter2025")).token;
    expect(await outboxRows(user.pair.user_id)).toEqual([{ id: notice.id }]);

    // Within the grace the drain leaves a fresh row to its request.
    const messaging = createMessagingService(env.MESSAGES as unknown as Queue<QueueMessageBody>);
    expect(await drainNoticeOutbox(env.DB, messaging, notice.createdAt + 1_000, 60_000)).toBe(0);

    await handleScheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);
    await handleScheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);
    expect(await outboxRows(user.pair.user_id)).toEqual([]);
    const notices = await waitForPasswordNotices(token, 1);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await passwordNotices(token)).toEqual(notices);
    expect(notices).toEqual([expect.objectContaining({ eventId: notice.id })]);
  }, 40_000);

  it("a failed password write leaves no notice behind (one transaction)", async () => {
    const user = await registerUser();
    const notice = noticeMessage({ event: "password_changed", userId: user.pair.user_id, to: null });
    // A NULL hash breaks the UPDATE (NOT NULL); the batch is one transaction, so the outbox row goes with it.
    await expect(users.updatePassword(user.pair.user_id, null as unknown as string, Date.now(), false, notice)).rejects.toThrow();
    expect(await outboxRows(user.pair.user_id)).toEqual([]);
    expect((await login(user.username, user.password)).token).toBeTruthy();
  });
});
