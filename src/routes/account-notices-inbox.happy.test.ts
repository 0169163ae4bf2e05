/**
 * Account notices in the notification inbox, through the real queue: the
 * consumer stores each one in the user's QuotaCounter by its message id, so
 * a replayed event, a redelivered message and a retried email are one entry.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { QueueMessageBody } from "../messaging/messages";
import { api, envelope, login, registerAdmin, registerUser } from "../../test/workerd/api";
import { controlCatcher, uniqueEmail, waitForMails } from "../../test/workerd/mail";
import { fundWallet, sendCallback, walletApi } from "../../test/workerd/wallet";

type Entry = { id: string; kind: string; eventId?: string; title: string; message: string; readAt: string | null; details?: Record<string, unknown> };
type Inbox = { items: Entry[]; total: number; unread: number };

const NOTIFICATIONS = "/api/v1/notifications";
const inbox = async (token: string): Promise<Inbox> => (await envelope<Inbox>(await api(`${NOTIFICATIONS}?page_size=50`, { token }), 200)).data;
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

/** Waits until the inbox holds `count` entries of `kind` (the consumer runs after the request answered). */
async function waitForEntries(token: string, kind: string, count = 1, timeoutMs = 30_000): Promise<Entry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = (await inbox(token)).items.filter((item) => item.kind === kind);
    if (entries.length >= count) return entries;
    if (Date.now() > deadline) throw new Error(`expected ${count} ${kind} notice(s), got ${entries.length}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("account notices in the notification inbox", () => {
  it("a recharge and its replayed callback are one entry, counted unread, and read like any notification", async () => {
    const user = await registerUser();
    const token = user.pair.token;
    const orderId = await fundWallet(token, "12.50");
    const replay = await sendCallback({ order_id: orderId, amount: "12.50", timestamp: Math.floor(Date.now() / 1000), provider_txn_id: `p-${orderId}` });
    expect(replay.status).toBe(200);
    const [entry] = await waitForEntries(token, "recharge_credited");
    await settle();
    const page = await inbox(token);
    expect(page).toMatchObject({ total: 1, unread: 1 });
    expect(page.items[0]).toEqual({ ...entry, eventId: `recharge_credited:${orderId}`, title: "Recharge credited", message: "Your wallet was credited with ¥12.50.", readAt: null });
    expect((await envelope(await api(`${NOTIFICATIONS}/unread-count`, { token }), 200)).data).toEqual({ count: 1 });
    expect((await envelope(await api(`${NOTIFICATIONS}/stats`, { token }), 200)).data).toEqual({ total: 1, unread: 1, by_type: { quota_level: 0, recharge_credited: 1 } });
    const read = await envelope<Entry & { success: boolean }>(await api(`${NOTIFICATIONS}/${entry!.id}/read`, { method: "POST", token }), 200);
    expect(read.data).toMatchObject({ success: true, kind: "recharge_credited", readAt: expect.any(String) });
    expect((await envelope(await api(`${NOTIFICATIONS}/unread-count`, { token }), 200)).data).toEqual({ count: 0 });
  }, 40_000);

  it("a message delivered twice, whose email fails twice before it goes out, is still one entry", async () => {
    const user = await registerUser();
    const to = uniqueEmail("inbox-retry");
    await controlCatcher("fail", { count: 2, to });
    const message: QueueMessageBody = { id: crypto.randomUUID(), kind: "account_notice", event: "wallet_frozen", userId: user.pair.user_id, to, details: { reason: "review" }, createdAt: Date.now() };
    await env.MESSAGES.send(message, { contentType: "json" });
    await env.MESSAGES.send(message, { contentType: "json" });
    await waitForMails(to, 1, 40_000);
    await settle();
    const entries = (await inbox(user.pair.token)).items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "wallet_frozen", eventId: message.id, message: expect.stringContaining("frozen: review"), createdAt: new Date(message.createdAt).toISOString() });
  }, 60_000);

  it("withdrawal reviews, a freeze and a password change each reach the inbox once, with their kind and text; read-all reads them", async () => {
    const user = await registerUser();
    const boss = await registerAdmin();
    await fundWallet(user.pair.token, "100");
    const ids: string[] = [];
    for (const amount of ["30", "20"]) {
      ids.push((await envelope<{ withdrawal: { id: string } }>(await walletApi("/withdraw", user.pair.token, { json: { amount, account: "bank-1" } }), 201)).data.withdrawal.id);
    }
    const review = (json: unknown) => api("/api/v1/admin/withdraw/review", { token: boss.pair.token, json });
    expect((await review({ withdraw_id: ids[0], approved: true })).status).toBe(200);
    expect((await review({ withdraw_id: ids[1], approved: false, reason: "account closed" })).status).toBe(200);
    expect((await review({ withdraw_id: ids[1], approved: false, reason: "again" })).status).toBe(409);
    expect((await api(`/api/v1/admin/wallet/${user.pair.user_id}/freeze`, { token: boss.pair.token, json: { reason: "chargeback" } })).status).toBe(200);
    const changed = await api("/api/v1/user/password", { method: "PUT", token: user.pair.token, json: { old_password: user.password, new_password: "newReading2025" } });
    expect(changed.status).toBe(200);
    const token = (await login(user.username, "newReading2025")).token;
    await waitForEntries(token, "password_changed");
    await settle();
    const items = (await inbox(token)).items;
    const byKind = (kind: string) => items.filter((item) => item.kind === kind);
    expect(byKind("recharge_credited")).toHaveLength(1);
    expect(byKind("withdrawal_approved")).toEqual([expect.objectContaining({ eventId: `withdrawal_approved:${ids[0]}`, message: "Your withdrawal of ¥30.00 was approved." })]);
    expect(byKind("withdrawal_rejected")).toEqual([expect.objectContaining({ details: { amountFen: 2_000, reason: "account closed" }, message: expect.stringContaining("rejected: account closed") })]);
    expect(byKind("wallet_frozen")).toEqual([expect.objectContaining({ title: "Wallet frozen", message: expect.stringContaining("chargeback") })]);
    expect(byKind("password_changed")).toEqual([expect.objectContaining({ title: "Your password was changed" })]);
    expect(items).toHaveLength(5);
    expect((await envelope(await api(`${NOTIFICATIONS}/read-all`, { method: "POST", token }), 200)).data).toMatchObject({ count: 5 });
    expect((await inbox(token)).unread).toBe(0);
  }, 60_000);
});
