import { describe, expect, it } from "vitest";
import { api, envelope, randomIp } from "../../test/workerd/api";

let counter = 0;
/** A fresh suffix of digits (valid in any username). */
const fresh = () => `${Date.now() % 1_000_000}${(counter += 1)}${Math.floor(Math.random() * 1000)}`;

function register(username: string, extra: Record<string, unknown> = {}) {
  const mail = `u${fresh()}@example.com`;
  return api("/api/v1/user/auth/register", { json: { username, email: mail, password: "reading2024", ...extra }, headers: { "CF-Connecting-IP": randomIp() } });
}

describe("usernames and passwords that are refused (error)", () => {
  it("spaces, invisible and control characters, symbols and bad lengths → 400 saying what to do", async () => {
    const cases: Array<[string, RegExp]> = [
      ["ab", /^Too short\. Use 3 to 32 letters or digits/],
      ["林文", /^Too short\./],
      ["字".repeat(33), /^Too long\./],
      [`lin wen${fresh()}`, /^No spaces/],
      [`lin\u200b${fresh()}`, /^Only letters, digits/],
      [`lin\u3164${fresh()}`, /^Only letters, digits/],
      [`lin\u0000${fresh()}`, /^Only letters, digits/],
      [`lin@${fresh()}`, /^Only letters, digits/],
    ];
    for (const [username, message] of cases) {
      const body = await envelope<{ details: Record<string, string> }>(await register(username), 400);
      expect(body.code, JSON.stringify(username)).toBe(1001);
      expect(body.data.details["json.username"], JSON.stringify(username)).toMatch(message);
      expect(body.message).toMatch(/^invalid parameters: username: /);
    }
  });

  it("the password policy is unchanged and its 400 says the whole rule", async () => {
    for (const [password, start] of [["short1", "Too short."], ["longenoughbutnodigit", "Add a digit."], ["1234567890", "Add a letter."]] as const) {
      const body = await envelope<{ details: Record<string, string> }>(await register(`reader_${fresh()}`, { password }), 400);
      expect(body.data.details["json.password"]).toBe(`${start} Use 8 to 32 characters with at least one letter and one digit, e.g. reading2024`);
      expect(body.message).toBe(`invalid parameters: password: ${start} Use 8 to 32 characters with at least one letter and one digit, e.g. reading2024`);
    }
  });
});
