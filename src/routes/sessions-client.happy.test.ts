import { describe, expect, it } from "vitest";
import { api, envelope, login, registerUser } from "../../test/workerd/api";

type Device = { id: string; device: string; deviceName: string; deviceType: string; lastActiveTime: string; lastUsedAt: string; isCurrent: boolean; current: boolean };
type DevicePage = { data: Device[]; pagination: { total: number; page: number; page_size: number; has_next: boolean } };

describe("device sessions, roles and permissions as the web client reads them (happy)", () => {
  it("GET /api/v1/users/devices?page&size: the sessions under both clients' names, with top-level pagination", async () => {
    const { username, password } = await registerUser({ userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36" });
    const phone = await login(username, password, "198.51.100.23", "QingyuApp/3.2 (Linux; Android 14)");

    const first = (await envelope(await api("/api/v1/users/devices?page=1&size=1", { token: phone.token }), 200)) as unknown as DevicePage;
    expect(first.pagination).toMatchObject({ total: 2, page: 1, page_size: 1, has_next: true });
    expect(first.data).toHaveLength(1);

    const all = (await envelope(await api("/api/v1/users/devices", { token: phone.token }), 200)) as unknown as DevicePage;
    const current = all.data.find((device) => device.isCurrent);
    expect(current).toMatchObject({ deviceName: "Qingyu App on Android", device: "Qingyu App on Android", deviceType: "mobile", current: true });
    expect(current?.lastActiveTime).toBe(current?.lastUsedAt);
    const other = all.data.find((device) => !device.isCurrent);
    expect(other).toMatchObject({ deviceName: "Chrome on Windows", deviceType: "desktop" });

    const canonical = (await envelope(await api("/api/v1/shared/auth/sessions", { token: phone.token }), 200)) as unknown as DevicePage;
    expect(canonical.data.map((device) => device.id).sort()).toEqual(all.data.map((device) => device.id).sort());

    expect((await api(`/api/v1/users/devices/${other?.id}`, { method: "DELETE", token: phone.token })).status).toBe(200);
    const left = (await envelope(await api("/api/v1/users/devices", { token: phone.token }), 200)) as unknown as DevicePage;
    expect(left.data.map((device) => device.id)).toEqual([current?.id]);
    expect((await api("/api/v1/users/devices")).status).toBe(401);
  });

  it("roles and permissions: arrays in data under both prefixes; ?detail=true gives the object form", async () => {
    const { pair } = await registerUser();
    for (const prefix of ["/api/v1/shared/auth", "/api/v1/user/auth"]) {
      expect((await envelope<string[]>(await api(`${prefix}/roles`, { token: pair.token }), 200)).data).toEqual(["reader"]);
      const permissions = (await envelope<string[]>(await api(`${prefix}/permissions`, { token: pair.token }), 200)).data;
      expect(permissions).toContain("book:read");
      expect((await envelope(await api(`${prefix}/roles?detail=true`, { token: pair.token }), 200)).data).toEqual({ roles: ["reader"] });
      expect((await envelope(await api(`${prefix}/permissions?detail=true`, { token: pair.token }), 200)).data).toEqual({ roles: ["reader"], permissions });
    }
  });

  it("the device and role aliases are documented as client aliases", async () => {
    const document = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, { "x-client-alias-of"?: string }>> };
    expect(document.paths["/api/v1/users/devices"]?.get?.["x-client-alias-of"]).toBe("GET /api/v1/shared/auth/sessions");
    expect(document.paths["/api/v1/users/devices/{id}"]?.delete?.["x-client-alias-of"]).toBe("DELETE /api/v1/shared/auth/sessions/{id}");
    expect(document.paths["/api/v1/user/auth/roles"]?.get?.["x-client-alias-of"]).toBe("GET /api/v1/shared/auth/roles");
    expect(document.paths["/api/v1/user/auth/permissions"]?.get?.["x-client-alias-of"]).toBe("GET /api/v1/shared/auth/permissions");
  });
});
