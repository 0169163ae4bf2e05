import { describe, expect, it } from "vitest";
import { api, envelope, registerAdmin, registerUser } from "../../test/workerd/api";
import { describeAuthSecurity } from "../../test/workerd/auth-security-suite";
import { pngBytes, uploadRaw } from "../../test/workerd/storage";
import type { FileView } from "../storage/http";

describe("storage: private attachments", () => {
  it("serves an attachment only to its owner, an admin or a valid signed URL", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const text = new TextEncoder().encode("chapter notes, private\n");
    const stored = (await envelope<FileView>(await uploadRaw("attachment", owner.pair.token, text), 201)).data;
    expect(stored.contentType).toBe("text/plain; charset=utf-8");

    expect((await api(`/files/${stored.key}`)).status).toBe(401);
    const foreign = await api(`/files/${stored.key}`, { token: other.pair.token });
    expect(foreign.status).toBe(403);
    expect((await envelope(foreign)).code).toBe(1003);

    const mine = await api(`/files/${stored.key}`, { token: owner.pair.token });
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-disposition")).toBe("attachment");
    expect(mine.headers.get("cache-control")).toBe("private, no-cache");
    expect(mine.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await mine.text()).toBe("chapter notes, private\n");

    const admin = await registerAdmin();
    expect((await api(`/files/${stored.key}`, { token: admin.pair.token })).status).toBe(200);

    const signed = (await envelope<{ url: string }>(await api(`/api/v1/storage/files/${stored.id}/url`, { token: owner.pair.token }), 200)).data.url;
    const path = signed.slice("https://api.test".length);
    expect((await api(path)).status).toBe(200);
    expect((await api(path.replace(/sig=([0-9a-f])/, (_, c: string) => `sig=${c === "0" ? "1" : "0"}`))).status).toBe(403);
    expect((await api(path.replace(/expires=\d+/, "expires=1"))).status).toBe(403);
    expect((await api(`/api/v1/storage/files/${stored.id}/url`, { token: other.pair.token })).status).toBe(404);
  });

  it("lets only the owner or an admin delete a file", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const stored = (await envelope<FileView>(await uploadRaw("cover", owner.pair.token, pngBytes(500)), 201)).data;
    const refused = await api(`/api/v1/storage/files/${stored.id}`, { method: "DELETE", token: other.pair.token });
    expect(refused.status).toBe(403);
    const admin = await registerAdmin();
    expect((await api(`/api/v1/storage/files/${stored.id}`, { method: "DELETE", token: admin.pair.token })).status).toBe(200);
    expect((await api(`/files/${stored.key}`)).status).toBe(404);
  });
});

describeAuthSecurity("storage", [
  { method: "GET", path: "/api/v1/storage/files" },
  { method: "POST", path: "/api/v1/storage/files?purpose=cover" },
  { method: "POST", path: "/api/v1/user/avatar" },
  { method: "GET", path: "/api/v1/storage/usage" },
  { method: "DELETE", path: "/api/v1/storage/files/00000000-0000-4000-8000-000000000000" },
]);
