import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, registerUser } from "../../test/workerd/api";
import { pngBytes, sha256Hex, uploadMultipart, uploadRaw } from "../../test/workerd/storage";
import type { FileView } from "../storage/http";

describe("storage: upload, serve, list, delete", () => {
  it("round-trips a 10 MB file byte for byte through a streamed multipart upload", async () => {
    const { pair } = await registerUser();
    const file = pngBytes(10 * 1024 * 1024 + 123);
    const stored = (await envelope<FileView>(await uploadMultipart("/api/v1/storage/files?purpose=attachment", pair.token, file), 201)).data;
    expect(stored).toMatchObject({ purpose: "attachment", contentType: "image/png", size: file.length });
    expect(stored.key).toMatch(/^attachment-[0-9a-f]{32}$/);
    expect(stored.url).not.toContain("photo.png");
    const served = await api(`/files/${stored.key}`, { token: pair.token });
    expect(served.status).toBe(200);
    const bytes = new Uint8Array(await served.arrayBuffer());
    expect(bytes.length).toBe(file.length);
    expect(await sha256Hex(bytes)).toBe(await sha256Hex(file));
  });

  it("accepts a form whose closing boundary has no trailing CRLF, with purpose as a form field", async () => {
    const { pair } = await registerUser();
    const file = pngBytes(4_000);
    const response = await uploadMultipart("/api/v1/storage/files", pair.token, file, { fields: { purpose: "cover" }, trailingCrlf: false });
    const stored = (await envelope<FileView>(response, 201)).data;
    expect(stored).toMatchObject({ purpose: "cover", size: 4_000 });
    const served = await api(`/files/${stored.key}`);
    expect(await sha256Hex(await served.arrayBuffer())).toBe(await sha256Hex(file));
  });

  it("serves ETag → 304, a single Range → 206, multi-range → the whole file, past the end → 416", async () => {
    const { pair } = await registerUser();
    const file = pngBytes(1_000);
    const stored = (await envelope<FileView>(await uploadRaw("cover", pair.token, file), 201)).data;
    const first = await api(`/files/${stored.key}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(first.headers.get("content-disposition")).toBeNull();
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^".+"$/);
    await first.arrayBuffer();

    const notModified = await api(`/files/${stored.key}`, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(etag);

    const partial = await api(`/files/${stored.key}`, { headers: { range: "bytes=10-19" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe("bytes 10-19/1000");
    expect(Array.from(new Uint8Array(await partial.arrayBuffer()))).toEqual(Array.from(file.subarray(10, 20)));

    const suffix = await api(`/files/${stored.key}`, { headers: { range: "bytes=-5" } });
    expect(suffix.status).toBe(206);
    expect(Array.from(new Uint8Array(await suffix.arrayBuffer()))).toEqual(Array.from(file.subarray(995)));

    const multi = await api(`/files/${stored.key}`, { headers: { range: "bytes=0-1,5-6" } });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(1_000);

    const past = await api(`/files/${stored.key}`, { headers: { range: "bytes=5000-" } });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */1000");
    expect((await envelope(past)).code).toBe(1011);
  });

  it("lists by purpose with pagination and gives the quota back on delete", async () => {
    const { pair } = await registerUser();
    const ids: string[] = [];
    for (const purpose of ["cover", "cover", "attachment"]) {
      ids.push((await envelope<FileView>(await uploadRaw(purpose, pair.token, pngBytes(2_000)), 201)).data.id);
    }
    const covers = await envelope<FileView[]>(await api("/api/v1/storage/files?purpose=cover&page_size=1", { token: pair.token }), 200);
    expect(covers.data).toHaveLength(1);
    expect((covers as unknown as { pagination: { total: number } }).pagination.total).toBe(2);
    expect((await envelope<{ usedBytes: number }>(await api("/api/v1/storage/usage", { token: pair.token }), 200)).data.usedBytes).toBe(6_000);

    const removed = await api(`/api/v1/storage/files/${ids[0]}`, { method: "DELETE", token: pair.token });
    expect(removed.status).toBe(200);
    expect((await envelope<{ usedBytes: number }>(await api("/api/v1/storage/usage", { token: pair.token }), 200)).data.usedBytes).toBe(4_000);
    const all = await envelope<FileView[]>(await api("/api/v1/storage/files", { token: pair.token }), 200);
    expect(all.data.map((file) => file.id).sort()).toEqual([ids[1], ids[2]].sort());
  });

  it("sets the profile's avatar to the served URL and deletes the previous avatar", async () => {
    const { pair } = await registerUser();
    const first = (await envelope<FileView>(await uploadMultipart("/api/v1/user/avatar", pair.token, pngBytes(3_000)), 201)).data;
    const second = (await envelope<FileView>(await uploadMultipart("/api/v1/user/avatar", pair.token, pngBytes(5_000)), 201)).data;
    const profile = await envelope<{ avatar: string }>(await api("/api/v1/user/profile", { token: pair.token }), 200);
    expect(profile.data.avatar).toBe(second.url);
    expect(second.url).toBe(`https://api.test/files/${second.key}`);
    expect((await api(`/files/${first.key}`)).status).toBe(404);
    expect(await env.FILES.head(first.key)).toBeNull();
    const served = await api(`/files/${second.key}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    await served.arrayBuffer();
  });
});
