import { describe, expect, it } from "vitest";
import { api, envelope, randomIp, type TokenPairData } from "../../test/workerd/api";

let counter = 0;
/** A fresh suffix of digits (valid in any username). */
const fresh = () => `${Date.now() % 1_000_000}${(counter += 1)}${Math.floor(Math.random() * 1000)}`;

function register(username: string, extra: Record<string, unknown> = {}) {
  const mail = `u${fresh()}@example.com`;
  return api("/api/v1/user/auth/register", { json: { username, email: mail, password: "reading2024", ...extra }, headers: { "CF-Connecting-IP": randomIp() } });
}
const login = (username: string) => api("/api/v1/user/auth/login", { json: { username, password: "reading2024" }, headers: { "CF-Connecting-IP": randomIp() } });

describe("usernames people really use (happy)", () => {
  it("a Chinese username registers, is stored as typed and logs in", async () => {
    const name = `林文轩${fresh()}`;
    const body = await envelope<TokenPairData>(await register(name), 201);
    expect(body.data.user.username).toBe(name);
    expect((await envelope<TokenPairData>(await login(name), 200)).data.user_id).toBe(body.data.user_id);
  });

  it("a fullwidth name is stored in its NFKC form; any case or width of it is the same account", async () => {
    const digits = fresh();
    const fullwidth = `Ｌｉｎ－${[...digits].map((digit) => String.fromCharCode(0xff10 + Number(digit))).join("")}`;
    const body = await envelope<TokenPairData>(await register(fullwidth), 201);
    expect(body.data.user.username).toBe(`Lin-${digits}`);
    for (const spelling of [`lin-${digits}`, `LIN-${digits}`, fullwidth]) {
      expect((await envelope<TokenPairData>(await login(spelling), 200)).data.user_id, spelling).toBe(body.data.user_id);
    }
    expect((await envelope(await register(`LIN-${digits}`), 409)).code).toBe(2003);
  });

  it("the web client's emailCode is read as verificationCode; a disagreeing pair is a 400", async () => {
    expect((await register(`reader_${fresh()}`, { emailCode: "123456", confirmPassword: "reading2024" })).status).toBe(201);
    const both = await envelope<{ details: Record<string, string> }>(await register(`reader_${fresh()}`, { emailCode: "123456", verificationCode: "654321" }), 400);
    expect(both.data.details["json.emailCode"]).toBe("verificationCode and emailCode disagree");
  });
});
