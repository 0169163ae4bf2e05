import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { api, registerUser } from "../../workerd/api";

const routes = [
  { path: "/api/v1/internal/bench/users", json: { count: 1 } },
  { path: "/api/v1/internal/bench/wallet/someone/ledger", json: { rows: 1 } },
];

describe("bench seeding routes (security)", () => {
  it.each(routes)("$path: 404 with the service token while ENABLE_BENCH_ROUTES is off (the default, as here)", async ({ path, json }) => {
    const response = await api(path, { json, token: env.AI_SERVICE_TOKEN });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: number }).code).toBe(1004);
  });

  it.each(routes)("$path: 401 without the service token, with a wrong one, or with a user's JWT", async ({ path, json }) => {
    const { pair } = await registerUser();
    for (const token of [undefined, "not-the-service-token-0123456789abcdef", pair.token]) {
      expect((await api(path, { json, ...(token === undefined ? {} : { token }) })).status).toBe(401);
    }
  });
});
