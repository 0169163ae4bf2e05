import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, authErrorResponses, commonErrorResponses, errorResponse } from "../errors";
import { created, envelopeOf, jsonContent, ok, okPage, paginate, paginatedEnvelopeOf } from "../lib/envelope";
import { authOf, requireAuth } from "../middleware/auth";
import { FILE_PURPOSES } from "../../contract/runtime-config/storage-settings";
import { loadStorageConfig } from "../storage/config";
import { FileSchema, fileUrl, openUpload, purposeOf, storeUpload, toFileView } from "../storage/http";
import { signFileQuery } from "../storage/signed-url";
import { PagingQuerySchema, toWindow } from "./paging";

const BASE = "/api/v1/storage/files";
const security = [{ bearerAuth: [] }];
const errors = { ...authErrorResponses, ...commonErrorResponses };

/** The upload's documentation; the handler reads the body itself (streamed), so no validator may parse it first. */
export const uploadBodyDoc = {
  required: true,
  content: {
    "multipart/form-data": { schema: z.object({ purpose: z.enum(FILE_PURPOSES).optional(), file: z.string().openapi({ format: "binary" }) }) },
    "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) },
  },
};

export const uploadErrors = {
  ...errors,
  413: errorResponse("Past the purpose's size cap or the storage quota (code 1008)"),
  415: errorResponse("The file's bytes are not an accepted type; SVG and HTML are always refused (code 1009)"),
};

const upload = createRoute({
  method: "post",
  path: BASE,
  tags: ["storage"],
  summary: "Upload a file (multipart `file` part or the raw body), streamed to R2",
  security,
  request: { query: z.object({ purpose: z.enum(FILE_PURPOSES).optional().openapi({ description: "Or a `purpose` form field before the file" }) }), body: uploadBodyDoc },
  responses: { 201: jsonContent(envelopeOf(FileSchema), "Stored"), ...uploadErrors },
});

const list = createRoute({
  method: "get",
  path: BASE,
  tags: ["storage"],
  summary: "The caller's files, newest first",
  security,
  request: { query: PagingQuerySchema.extend({ purpose: z.enum(FILE_PURPOSES).optional() }) },
  responses: { 200: jsonContent(paginatedEnvelopeOf(z.array(FileSchema)), "A page of files"), ...errors },
});

const remove = createRoute({
  method: "delete",
  path: `${BASE}/{id}`,
  tags: ["storage"],
  summary: "Delete a file (owner or admin); its bytes go back to the owner's quota",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonContent(envelopeOf(z.object({ deleted: z.literal(true), id: z.uuid() })), "Deleted"), ...errors },
});

const signedUrl = createRoute({
  method: "get",
  path: `${BASE}/{id}/url`,
  tags: ["storage"],
  summary: "A signed, expiring URL to one of the caller's files (for private attachments)",
  security,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: jsonContent(envelopeOf(z.object({ url: z.string(), expiresAt: z.iso.datetime() })), "Signed URL"), ...errors },
});

const usage = createRoute({
  method: "get",
  path: "/api/v1/storage/usage",
  tags: ["storage"],
  summary: "Bytes the caller stores (and has reserved by uploads in flight) against their quota",
  security,
  responses: { 200: jsonContent(envelopeOf(z.object({ usedBytes: z.number().int(), quotaBytes: z.number().int() })), "Usage"), ...errors },
});

/** Uploads, listing, deletion and signed links of the caller's files. */
export function registerStorageFileRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(BASE, requireAuth());
  app.use(`${BASE}/*`, requireAuth());
  app.use("/api/v1/storage/usage", requireAuth());

  // Registered for the document only: `app.openapi` would validate (and so buffer) the multipart body.
  app.openAPIRegistry.registerPath(upload);
  app.post(BASE, async (c) => {
    const body = await openUpload(c);
    const purpose = purposeOf(c.req.query("purpose"), body.formPurpose);
    const file = await storeUpload(c, purpose, body);
    return created(c, toFileView(c, file), "file stored");
  });

  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const window = toWindow(query);
    const page = await c.var.services.storage.list(authOf(c).user_id, query.purpose, window.limit, window.offset);
    return okPage(c, page.items.map((file) => toFileView(c, file)), paginate(page.total, window.page, window.pageSize));
  });

  app.openapi(remove, async (c) => {
    const claims = authOf(c);
    const { id } = c.req.valid("param");
    const removed = await c.var.services.storage.remove(id, { userId: claims.user_id, admin: claims.roles.includes("admin") });
    if (!removed) throw new ApiError("NOT_FOUND", "no such file");
    return ok(c, { deleted: true as const, id }, "file deleted");
  });

  app.openapi(signedUrl, async (c) => {
    const claims = authOf(c);
    const file = await c.var.services.storage.find(c.req.valid("param").id);
    if (!file || (file.ownerId !== claims.user_id && !claims.roles.includes("admin"))) throw new ApiError("NOT_FOUND", "no such file");
    const ttl = (await c.var.services.runtimeConfig()).document.storage.signedUrlTtlSeconds;
    const expiresAt = Math.floor(Date.now() / 1000) + ttl;
    const query = await signFileQuery(loadStorageConfig(c.env).FILES_SIGNING_SECRET, file.key, expiresAt);
    return ok(c, { url: `${fileUrl(c, file.key)}?${query}`, expiresAt: new Date(expiresAt * 1000).toISOString() });
  });

  app.openapi(usage, async (c) => {
    const claims = authOf(c);
    return ok(c, await c.var.services.storage.usage(claims.user_id, claims.roles));
  });
}
