import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, envelope, login, registerUser } from "../../test/workerd/api";
import { withRuntimeConfig } from "../../test/workerd/runtime-config";
import { BOUNDARY, multipartBody, pngBytes, uploadMultipart, uploadRaw } from "../../test/workerd/storage";
import type { FileView } from "../storage/http";

/** Every object in the bucket owned by this user. */
async function objectsOf(userId: string): Promise<string[]> {
  const listed = await env.FILES.list({ include: ["customMetadata"], limit: 1000 });
  return listed.objects.filter((object) => object.customMetadata?.owner === userId).map((object) => object.key);
}

async function usedBytes(token: string): Promise<number> {
  return (await envelope<{ usedBytes: number }>(await api("/api/v1/storage/usage", { token }), 200)).data.usedBytes;
}

describe("storage: refused uploads", () => {
  it("refuses an HTML file renamed to .png and sent as image/png (415 code 1009), and SVG", async () => {
    const { pair } = await registerUser();
    const html = new TextEncoder().encode("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>");
    const renamed = await uploadMultipart("/api/v1/user/avatar", pair.token, html, { filename: "cute-cat.png" });
    expect(renamed.status).toBe(415);
    expect((await envelope(renamed)).code).toBe(1009);
    const svg = new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
    const asAttachment = await uploadRaw("attachment", pair.token, svg, "image/png");
    expect(asAttachment.status).toBe(415);
    expect((await envelope(asAttachment)).code).toBe(1009);
    expect(await objectsOf(pair.user_id)).toEqual([]);
    expect(await usedBytes(pair.token)).toBe(0);
  });

  it("caps each purpose by the runtime config (413 code 1008), declared or streamed", async () => {
    const { pair } = await registerUser();
    await withRuntimeConfig({ storage: { maxBytes: { avatar: 10_000 } } }, async () => {
      const declared = await uploadRaw("avatar", pair.token, pngBytes(10_001));
      expect(declared.status).toBe(413);
      expect((await envelope(declared)).code).toBe(1008);
      const streamed = await uploadMultipart("/api/v1/user/avatar", pair.token, pngBytes(50_000));
      expect(streamed.status).toBe(413);
      expect((await envelope(streamed)).code).toBe(1008);
      expect((await uploadRaw("avatar", pair.token, pngBytes(10_000))).status).toBe(201);
    });
    expect((await objectsOf(pair.user_id)).length).toBe(1);
    expect(await usedBytes(pair.token)).toBe(10_000);
  });

  it("never lets concurrent uploads overshoot a small quota", async () => {
    // A role of its own, so the small quota never reaches the readers of other test files meanwhile.
    const user = await registerUser();
    await env.DB.prepare(`UPDATE users SET roles = '["vip_reader"]' WHERE username = ?`).bind(user.username).run();
    const pair = await login(user.username, user.password);
    await withRuntimeConfig({ storage: { quotaBytesByRole: { vip_reader: 1_000_000 } } }, async () => {
      const responses = await Promise.all(Array.from({ length: 8 }, () => uploadRaw("attachment", pair.token, pngBytes(300_000))));
      const statuses = responses.map((response) => response.status).sort();
      for (const response of responses) await response.arrayBuffer();
      expect(statuses.filter((status) => status === 201).length).toBe(3);
      expect(statuses.filter((status) => status === 413).length).toBe(5);
      expect(await usedBytes(pair.token)).toBe(900_000);
      const listed = await envelope<FileView[]>(await api("/api/v1/storage/files?page_size=100", { token: pair.token }), 200);
      expect(listed.data.reduce((sum, file) => sum + file.size, 0)).toBe(900_000);
    });
  });

  it("leaves no object and no charge when the upload is cut off", async () => {
    const { pair } = await registerUser();
    // A form that ends before its closing boundary (the client went away mid-upload).
    const truncated = await uploadMultipart("/api/v1/storage/files?purpose=attachment", pair.token, pngBytes(6 * 1024 * 1024), { closing: false });
    expect(truncated.status).toBe(400);
    // A raw body whose stream fails after a first part has gone to R2.
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 6 * 1024 * 1024) return controller.error(new Error("connection reset"));
        controller.enqueue(pngBytes(1024 * 1024));
        sent += 1024 * 1024;
      },
    });
    const cut = await api("/api/v1/storage/files?purpose=attachment", {
      method: "POST",
      token: pair.token,
      // Declared longer than what arrives: the runtime may end the failed stream quietly, the length tells.
      headers: { "content-type": "application/octet-stream", "content-length": String(8 * 1024 * 1024) },
      body: failing,
    }).catch((error: unknown) => error);
    if (cut instanceof Response) expect(cut.status).toBe(400);
    expect(await objectsOf(pair.user_id)).toEqual([]);
    expect(await usedBytes(pair.token)).toBe(0);
    const listed = await envelope<FileView[]>(await api("/api/v1/storage/files", { token: pair.token }), 200);
    expect(listed.data).toEqual([]);
  });

  it("answers 400 for a form without a file part and for a missing purpose", async () => {
    const { pair } = await registerUser();
    const noFile = await api("/api/v1/storage/files?purpose=cover", {
      method: "POST",
      token: pair.token,
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ncover\r\n--${BOUNDARY}--\r\n`,
    });
    expect(noFile.status).toBe(400);
    const noPurpose = await api("/api/v1/storage/files", {
      method: "POST",
      token: pair.token,
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body: multipartBody(pngBytes(100)),
    });
    expect(noPurpose.status).toBe(400);
    expect((await envelope(noPurpose)).code).toBe(1001);
  });
});
