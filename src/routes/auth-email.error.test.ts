import { describe, expect, it } from "vitest";
import { api, envelope, randomIp } from "../../test/workerd/api";
import { uniqueEmail } from "../../test/workerd/mail";

describe("email codes: refused requests", () => {
  it("limits codes per client IP (429 with Retry-After), whatever the addresses", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 21; i++) {
      last = await api("/api/v1/shared/auth/email-code", { json: { email: uniqueEmail(`ip${i}`), purpose: "reset_password" }, headers: { "CF-Connecting-IP": ip } });
      statuses.push(last.status);
      if (i < 20) await last.arrayBuffer();
    }
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await envelope(last as Response)).code).toBe(1007);
  });

  it("refuses an unknown purpose, a bad address and a reset without a code", async () => {
    const bad = await api("/api/v1/shared/auth/email-code", { json: { email: uniqueEmail(), purpose: "login" }, headers: { "CF-Connecting-IP": randomIp() } });
    expect((await envelope(bad, 400)).code).toBe(1001);
    const notEmail = await api("/api/v1/shared/auth/email-code", { json: { email: "nope", purpose: "register" }, headers: { "CF-Connecting-IP": randomIp() } });
    expect((await envelope(notEmail, 400)).code).toBe(1001);
    const noCode = await api("/api/v1/shared/auth/password/reset", { json: { email: uniqueEmail(), code: "123456", new_password: "newReading2025" } });
    expect((await envelope(noCode, 400)).code).toBe(1001);
  });
});
