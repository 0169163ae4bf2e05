import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { mailsTo, registerVerifiedUser, waitForMails } from "../../test/workerd/mail";
import { fundWallet, sendCallback } from "../../test/workerd/wallet";
import type { QueueMessageBody } from "../messaging/messages";

const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

describe("account notices by email to a verified address, exactly once per event", () => {
  it("a recharge credited twice by the provider's retried callback is one email", async () => {
    const user = await registerVerifiedUser();
    const email = user.email;
    const orderId = await fundWallet(user.pair.token, "12.50");
    const replay = await sendCallback({ order_id: orderId, amount: "12.50", timestamp: Math.floor(Date.now() / 1000), provider_txn_id: `p-${orderId}` });
    expect(replay.status).toBe(200);
    const mails = await waitForMails(email, 2);
    const mail = mails.find((one) => one.subject === "Recharge credited");
    expect(mail?.subject).toBe("Recharge credited");
    expect(mail?.text).toContain("¥12.50");
    await settle();
    // The registration code and one notice.
    expect(await mailsTo(email)).toHaveLength(2);
    expect((await mailsTo(email)).filter((one) => one.subject === "Recharge credited")).toHaveLength(1);
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
    const user = await registerVerifiedUser();
    const admin = await registerAdmin();
    const frozen = await api(`/api/v1/admin/wallet/${user.pair.user_id}/freeze`, { token: admin.pair.token, json: { reason: "chargeback under review" } });
    expect(frozen.status).toBe(200);
    const mail = (await waitForMails(user.email, 2)).find((one) => one.subject === "Wallet frozen");
    expect(mail?.subject).toBe("Wallet frozen");
    expect(mail?.text).toContain("chargeback under review");
  }, 30_000);

  it("an unverified address gets no email; the notice is in the inbox all the same", async () => {
    const user = await registerUser();
    const admin = await registerAdmin();
    const frozen = await api(`/api/v1/admin/wallet/${user.pair.user_id}/freeze`, { token: admin.pair.token, json: { reason: "chargeback under review" } });
    expect(frozen.status).toBe(200);
    const deadline = Date.now() + 30_000;
    let kinds: string[] = [];
    while (!kinds.includes("wallet_frozen") && Date.now() < deadline) {
      kinds = (await envelope<{ items: Array<{ kind: string }> }>(await api("/api/v1/notifications", { token: user.pair.token }), 200)).data.items.map((item) => item.kind);
      if (!kinds.includes("wallet_frozen")) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(kinds).toEqual(["wallet_frozen"]);
    await settle();
    expect(await mailsTo(`${user.username.toLowerCase()}@example.com`)).toEqual([]);
  }, 40_000);
});
