/** Automatic top-up spends the caller's money: both routes run the shared auth suite, and a user only ever sees and sets their own. */
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";

const PATH = "/api/v1/ai/quota/auto-topup";

describeAuthSecurity("automatic top-up", [
  { method: "GET", path: PATH },
  { method: "PUT", path: PATH, json: { enabled: true, package: "small", threshold: "warning", maxPerDay: 1 } },
]);

describe("automatic top-up (security)", () => {
  it("the setting belongs to the caller: another user's PUT does not change it", async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    await envelope(await api(PATH, { method: "PUT", token: alice.pair.token, json: { enabled: true, package: "small", threshold: "warning", maxPerDay: 1 } }), 200);
    await envelope(await api(PATH, { method: "PUT", token: bob.pair.token, json: { enabled: false } }), 200);
    expect((await envelope<{ enabled: boolean }>(await api(PATH, { token: alice.pair.token }), 200)).data.enabled).toBe(true);
    expect((await envelope<{ enabled: boolean; package: string | null }>(await api(PATH, { token: bob.pair.token }), 200)).data).toMatchObject({ enabled: false, package: null });
  });
});
