import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../workerd/api";

const routes = [
  { path: "/api/v1/internal/quota/someone/noop", json: undefined },
  { path: "/api/v1/internal/quota/someone/consume-redis", json: { amount: 1, service: "bench", requestId: "r-1" } },
];

describe("bench quota floors (security)", () => {
  it.each(routes)("$path: 404 with the service token while ENABLE_BENCH_ROUTES is off (as here)", async ({ path, json }) => {
    const response = await api(path, { method: "POST", json, token: env.AI_SERVICE_TOKEN });
    expect((await envelope(response, 404)).code).toBe(1004);
  });

  it.each(routes)("$path: 401 without the service token or with a user's JWT", async ({ path, json }) => {
    const { pair } = await registerUser();
    expect((await api(path, { method: "POST", json })).status).toBe(401);
    expect((await api(path, { method: "POST", json, token: pair.token })).status).toBe(401);
  });
});
