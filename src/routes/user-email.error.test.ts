/** Changing the email with a code that does not prove the new address, or to an address that is taken. */
import { describe, expect, it } from "vitest";
import { api, envelope, randomIp, registerUser } from "../../test/workerd/api";
import { codeIn, uniqueEmail, waitForMails } from "../../test/workerd/mail";

type Failure = { code: number; data: { details?: Record<string, string> } | null };

async function changeEmailCode(email: string): Promise<string> {
  const sent = await api("/api/v1/shared/auth/email-code", { json: { email, purpose: "change_email" }, headers: { "CF-Connecting-IP": randomIp() } });
  expect(sent.status).toBe(200);
  return codeIn((await waitForMails(email))[0]!);
}

const change = (token: string, json: unknown) => api("/api/v1/user/email", { token, json });
const emailOf = async (token: string) => (await envelope<{ email: string }>(await api("/api/v1/user/profile", { token }), 200)).data.email;

describe("change of email address (errors)", () => {
  it("a wrong code is a 400 and changes nothing; the right one still works after it", async () => {
    const user = await registerUser();
    const before = await emailOf(user.pair.token);
    const next = uniqueEmail("wrong");
    const code = await changeEmailCode(next);
    const wrong = await envelope<null>(await change(user.pair.token, { email: next, code: code === "000000" ? "111111" : "000000" }), 400);
    expect(wrong.code).toBe(1001);
    expect(await emailOf(user.pair.token)).toBe(before);
    expect((await change(user.pair.token, { email: next, code })).status).toBe(200);
  }, 40_000);

  it("a code sent to another address does not prove this one", async () => {
    const user = await registerUser();
    const asked = uniqueEmail("asked");
    const code = await changeEmailCode(asked);
    const other = uniqueEmail("other");
    expect((await envelope<null>(await change(user.pair.token, { email: other, code }), 400)).code).toBe(1001);
    expect(await emailOf(user.pair.token)).toBe(`${user.username.toLowerCase()}@example.com`);
  }, 40_000);

  it("an address taken after its code was sent is a 409 (2004)", async () => {
    const user = await registerUser();
    const wanted = uniqueEmail("taken");
    const code = await changeEmailCode(wanted);
    const rival = await api("/api/v1/shared/auth/register", { json: { username: `rival_${Date.now().toString(36)}`, email: wanted, password: "reading2024" }, headers: { "CF-Connecting-IP": randomIp() } });
    expect(rival.status).toBe(201);
    const taken = await envelope<null>(await change(user.pair.token, { email: wanted.toUpperCase(), code }), 409);
    expect(taken.code).toBe(2004);
    expect(await emailOf(user.pair.token)).toBe(`${user.username.toLowerCase()}@example.com`);
  }, 40_000);

  it("no address, two that disagree, or the current one: 400 before any code is checked", async () => {
    const user = await registerUser();
    const current = `${user.username.toLowerCase()}@example.com`;
    expect((await change(user.pair.token, { code: "123456" })).status).toBe(400);
    const disagree = await envelope<Failure["data"]>(await change(user.pair.token, { email: uniqueEmail("a"), newEmail: uniqueEmail("b"), code: "123456" }), 400);
    expect(disagree.data?.details?.["json.newEmail"]).toBe("email and newEmail disagree");
    expect((await change(user.pair.token, { email: current, code: "123456" })).status).toBe(400);
  });
});
