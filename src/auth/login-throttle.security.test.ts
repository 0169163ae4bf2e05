import { describe, expect, it } from "vitest";
import { api, randomIp, registerUser, uniqueUsername } from "../../test/workerd/api";

const loginAs = (username: string, password: string, ip = randomIp()) =>
  api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": ip } });

describe("login throttle cannot be raced (security)", () => {
  it("500 concurrent wrong passwords for one account, by username and by email: at most 5 reach the password check, the rest 429 with Retry-After", { timeout: 60_000 }, async () => {
    const { username } = await registerUser();
    const logins = Array.from({ length: 500 }, (_, index) => (index % 2 === 0 ? username : `${username.toLowerCase()}@example.com`));
    const answers = await Promise.all(logins.map((login) => loginAs(login, "wrong-password-1")));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(495);
    expect(answers.filter((answer) => answer.status === 429).every((answer) => Number(answer.headers.get("Retry-After")) > 0)).toBe(true);
  });

  it("500 concurrent wrong logins for different accounts from one IP: at most 50 reach the password check", { timeout: 60_000 }, async () => {
    const ip = randomIp();
    const answers = await Promise.all(Array.from({ length: 500 }, () => loginAs(uniqueUsername("nobody"), "wrong-password-1", ip)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(50);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(450);
  });

  it("a right password clears the account's failures and takes its attempt back from the IP", async () => {
    const { username, password } = await registerUser();
    const ip = randomIp();
    for (let index = 0; index < 4; index++) expect((await loginAs(username, "wrong-password-1", ip)).status).toBe(401);
    expect((await loginAs(username, password, ip)).status).toBe(200);
    for (let index = 0; index < 5; index++) expect((await loginAs(username, "wrong-password-1", ip)).status).toBe(401);
    expect((await loginAs(username, password, ip)).status).toBe(429);
  });
});
