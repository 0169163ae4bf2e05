/** Changing the account's email with a change_email code: through the real queue and the test mail catcher. */
import { describe, expect, it } from "vitest";
import { api, envelope, login, randomIp } from "../../test/workerd/api";
import { codeIn, mailsTo, registerVerifiedUser, uniqueEmail, waitForMails } from "../../test/workerd/mail";

type Profile = { id: string; email: string };

/** Asks for a change_email code for `email` and returns it as the mail catcher received it. */
async function changeEmailCode(email: string): Promise<string> {
  const sent = await api("/api/v1/shared/auth/email-code", { json: { email, purpose: "change_email" }, headers: { "CF-Connecting-IP": randomIp() } });
  expect(sent.status).toBe(200);
  return codeIn((await waitForMails(email))[0]!);
}

async function waitForInboxKind(token: string, kind: string): Promise<Array<{ kind: string; message: string }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const items = (await envelope<{ items: Array<{ kind: string; message: string }> }>(await api("/api/v1/notifications", { token }), 200)).data.items;
    if (items.some((item) => item.kind === kind) || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("change of email address (happy)", () => {
  it("moves the account to the new address, verified; the old address and the inbox are told; notices follow the new address", async () => {
    const user = await registerVerifiedUser();
    const next = uniqueEmail("moved");
    const code = await changeEmailCode(next);
    const changed = await envelope<Profile>(await api("/api/v1/user/email", { token: user.pair.token, json: { email: next.toUpperCase(), code } }), 200);
    expect(changed.data.email).toBe(next);
    expect((await envelope<Profile>(await api("/api/v1/user/profile", { token: user.pair.token }), 200)).data.email).toBe(next);
    expect((await login(next, user.password)).token).toBeTruthy();

    const toOld = (await waitForMails(user.email, 2)).find((mail) => mail.subject === "Your email address was changed");
    expect(toOld?.text).toContain(`${next[0]}***@example.com`);
    expect(toOld?.text).not.toContain(next);
    expect((await waitForInboxKind(user.pair.token, "email_changed")).filter((item) => item.kind === "email_changed")).toHaveLength(1);

    // The new address is verified: the next notice is emailed there, and not to the old one.
    const reset = await api("/api/v1/user/password", { method: "PUT", token: user.pair.token, json: { old_password: user.password, new_password: "newReading2025" } });
    expect(reset.status).toBe(200);
    const [atNew] = (await waitForMails(next, 2)).filter((mail) => mail.subject === "Your password was changed");
    expect(atNew).toBeDefined();
    expect((await mailsTo(user.email)).map((mail) => mail.subject)).not.toContain("Your password was changed");
  }, 60_000);

  it("the web client's PUT /api/v1/users/email/change {newEmail, code} does the same", async () => {
    const user = await registerVerifiedUser();
    const next = uniqueEmail("client");
    const code = await changeEmailCode(next);
    const changed = await envelope<Profile>(await api("/api/v1/users/email/change", { method: "PUT", token: user.pair.token, json: { newEmail: next, code } }), 200);
    expect(changed.data.email).toBe(next);
  }, 40_000);

  it("is in the OpenAPI document, the client path as its alias; the inbox lists both kinds of notification", async () => {
    type Operation = { "x-client-alias-of"?: string; requestBody?: unknown };
    const document = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
    expect(document.paths["/api/v1/user/email"]?.post?.requestBody).toBeDefined();
    expect(document.paths["/api/v1/users/email/change"]?.put?.["x-client-alias-of"]).toBe("POST /api/v1/user/email");
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(["AccountNoticeNotification", "InboxNotification", "QuotaNotification"]));
  });
});
