import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";

describe("GET /api/v1/system/metrics (error)", () => {
  it("admins only; an unknown service is a 404 listing the known ones; a bad window is a 400", async () => {
    const { pair } = await registerUser();
    expect((await api("/api/v1/system/metrics", { token: pair.token })).status).toBe(403);
    expect((await api("/api/v1/system/metrics")).status).toBe(401);
    const admin = await registerAdmin();
    const missing = await envelope<{ details: { known: string[] } }>(await api("/api/v1/system/metrics/no-such-service", { token: admin.pair.token }), 404);
    expect(Array.isArray(missing.data.details.known)).toBe(true);
    expect((await api("/api/v1/system/metrics?minutes=60", { token: admin.pair.token })).status).toBe(400);
  });
});
