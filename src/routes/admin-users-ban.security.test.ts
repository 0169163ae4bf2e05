import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../index";
import { api, envelope, registerAdmin, registerUser } from "../testing/api";

/** The real app as another isolate would run it: its own revocation copy (a unique Redis URL on the same Redis). */
function otherIsolate(vars: Record<string, string> = {}) {
  const app = createApp();
  const isolateEnv = { ...env, UPSTASH_REDIS_REST_URL: `${env.UPSTASH_REDIS_REST_URL}/?isolate=${crypto.randomUUID()}`, ...vars } as Env;
  return (path: string, token: string, method = "GET") =>
    app.fetch(new Request(`https://api.test${path}`, { method, headers: { Authorization: `Bearer ${token}` } }), isolateEnv, createExecutionContext());
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("admin ban and password reset (security)", () => {
  it("a banned user's token fails with 2016 in another isolate within the revocation bound (1 s)", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    const elsewhere = otherIsolate();
    expect((await elsewhere("/api/v1/user/profile", pair.token)).status).toBe(200);

    const bannedAt = Date.now();
    await envelope(
      await api(`/api/v1/admin/users/${pair.user_id}/status`, { method: "PUT", token: admin.pair.token, json: { status: "banned", reason: "fraud" } }),
      200,
    );
    let code = 0;
    while (Date.now() - bannedAt < 3_000) {
      const response = await elsewhere("/api/v1/user/profile", pair.token);
      if (response.status === 401) {
        code = (await response.json<{ code: number }>()).code;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = Date.now() - bannedAt;
    expect(code).toBe(2016);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("the temporary password is in the response only: no log line carries it, at debug level", async () => {
    const admin = await registerAdmin();
    const { pair } = await registerUser();
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });
    }
    const debugApp = otherIsolate({ LOG_LEVEL: "debug" });
    const response = await debugApp(`/api/v1/admin/users/${pair.user_id}/reset-password`, admin.pair.token, "POST");
    const text = await response.text();
    vi.restoreAllMocks();
    const { temporaryPassword } = (JSON.parse(text) as { data: { temporaryPassword: string } }).data;
    expect(response.status).toBe(200);
    expect(temporaryPassword).toHaveLength(16);
    // The access log did write its line, so this checks real output rather than silence.
    expect(lines.some((line) => line.includes("/api/v1/admin/users/:id/reset-password"))).toBe(true);
    expect(lines.filter((line) => line.includes(temporaryPassword))).toEqual([]);
  });
});
