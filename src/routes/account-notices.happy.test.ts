import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, registerAdmin, registerUser } from "../../test/workerd/api";
import { mailsTo, waitForMails } from "../../test/workerd/mail";
import { fundWallet, sendCallback } from "../../test/workerd/wallet";
import type { QueueMessageBody } from "../messaging/messages";

const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

describe("account notices by email, exactly once per event", () => {
  it("a recharge credited twice by the provider's retried callback is one email", async () => {
    const user = await registerUser();
    const email = `${user.username.toLowerCase()}@example.com`;
    const orderId = await fundWallet(user.pair.token, "12.50");
    const replay = await sendCallback({ order_id: orderId, amount: "12.50", timestamp: Math.floor(Date.now() / 1000), provider_txn_id: `p-${orderId}` });
    expect(replay.status).toBe(200);
    const [mail] = await waitForMails(email);
    expect(mail?.subject).toBe("Recharge credited");
    expect(mail?.text).toContain("¥12.50");
    await settle();
    expect(await mailsTo(email)).toHaveLength(1);
  }, 30_000);

  it("the same message id sent twice to the queue is delivered once", async () => {
    const to = `dup.${Date.now()}@example.com`;
    const message: QueueMessageBody = { id: crypto.randomUUID(), kind: "account_notice", event: "wallet_frozen", userId: "u-dup", to, details: { reason: "test" }, createdAt: Date.now() };
    await env.MESSAGES.send(message, { contentType: "json" });
    await env.MESSAGES.send(message, { contentType: "json" });
    await waitForMails(to);
    await settle();
    expect(await mailsTo(to)).toHaveLength(1);
  }, 30_000);

  it("a frozen wallet is told why", async () => {
    const user = await registerUser();
    const admin = await registerAdmin();
    const frozen = await api(`/api/v1/admin/wallet/${user.pair.user_id}/freeze`, { token: admin.pair.token, json: { reason: "chargeback under review" } });
    expect(frozen.status).toBe(200);
    const [mail] = await waitForMails(`${user.username.toLowerCase()}@example.com`);
    expect(mail?.subject).toBe("Wallet frozen");
    expect(mail?.text).toContain("chargeback under review");
  }, 30_000);
});
