import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError, commonErrorResponses, errorResponse } from "../errors";
import { authOf, requireAuth } from "../middleware/auth";
import type { FilePurpose } from "../../contract/runtime-config/storage-settings";
import { loadStorageConfig } from "../storage/config";
import { decideRange, etagMatches } from "../storage/ranges";
import { verifyFileQuery } from "../storage/signed-url";

const PUBLIC_PURPOSES: ReadonlySet<string> = new Set<FilePurpose>(["avatar", "cover"]);

const serve = createRoute({
  method: "get",
  path: "/files/{key}",
  tags: ["storage"],
  summary: "A stored file: avatars and covers are public; attachments need the owner's bearer token or a signed URL (`expires`, `sig`)",
  description:
    "ETag with If-None-Match → 304; a single `Range: bytes=…` → 206 with Content-Range; a multi-range request is answered with the whole file (200); a range past the end → 416 (code 1011). Non-images are sent with `Content-Disposition: attachment`.",
  request: {
    params: z.object({ key: z.string().regex(/^(avatar|cover|attachment)-[0-9a-f]{32}$/) }),
    query: z.object({ expires: z.string().optional(), sig: z.string().optional() }),
  },
  responses: {
    200: { description: "The file", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
    206: { description: "The requested byte range", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
    304: { description: "Not modified (the ETag matched)" },
    401: errorResponse("A private file without a token or valid signature (code 1002, 2007, 2008, 2010, 2016)"),
    403: errorResponse("A private file of another user (code 1003)"),
    416: errorResponse("The range starts past the end of the file (code 1011)"),
    ...commonErrorResponses,
  },
});

/** Lets the owner (or an admin) or a valid signature through to a private file; throws otherwise. */
async function authorizePrivate(c: Context<AppEnv>, key: string, owner: string | undefined): Promise<void> {
  const { expires, sig } = c.req.query();
  if (expires !== undefined || sig !== undefined) {
    if (await verifyFileQuery(loadStorageConfig(c.env).FILES_SIGNING_SECRET, key, expires, sig, Math.floor(Date.now() / 1000))) return;
    throw new ApiError("FORBIDDEN", "the signed link is invalid or has expired");
  }
  await requireAuth()(c, async () => undefined);
  const claims = authOf(c);
  if (claims.user_id !== owner && !claims.roles.includes("admin")) throw new ApiError("FORBIDDEN", "not your file");
}

/** Serves stored objects straight from R2 (no D1 read: owner and purpose are the object's metadata). */
export function registerFileRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(serve, async (c) => {
    const { key } = c.req.valid("param");
    const bucket = c.env.FILES;
    const head = await bucket.head(key);
    if (!head) throw new ApiError("NOT_FOUND", "no such file");
    const purpose = head.customMetadata?.purpose ?? "attachment";
    const isPublic = PUBLIC_PURPOSES.has(purpose);
    if (!isPublic) await authorizePrivate(c, key, head.customMetadata?.owner);
    const contentType = head.httpMetadata?.contentType ?? "application/octet-stream";
    const maxAge = (await c.var.services.runtimeConfig()).document.storage.publicMaxAgeSeconds;
    c.header("ETag", head.httpEtag);
    c.header("Cache-Control", isPublic ? `public, max-age=${maxAge}, immutable` : "private, no-cache");
    c.header("Last-Modified", head.uploaded.toUTCString());
    c.header("Accept-Ranges", "bytes");
    c.header("X-Content-Type-Options", "nosniff");
    // Nothing served here is a page: no script, no plugins, even if a browser were to render it.
    c.header("Content-Security-Policy", "default-src 'none'; sandbox");
    // Public images are embedded by the web client from its own origin.
    if (isPublic) c.header("Cross-Origin-Resource-Policy", "cross-origin");
    if (!contentType.startsWith("image/")) c.header("Content-Disposition", "attachment");
    if (etagMatches(c.req.header("If-None-Match"), head.httpEtag)) return c.body(null, 304);

    const range = decideRange(c.req.header("Range"), head.size);
    if (range.kind === "unsatisfiable") throw new ApiError("RANGE_NOT_SATISFIABLE", undefined, { headers: { "Content-Range": `bytes */${head.size}` } });
    const object = await bucket.get(key, range.kind === "partial" ? { range: { offset: range.offset, length: range.length } } : {});
    if (!object) throw new ApiError("NOT_FOUND", "no such file");
    c.header("Content-Type", contentType);
    if (range.kind === "partial") {
      c.header("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
      c.header("Content-Length", String(range.length));
      return c.body(object.body, 206);
    }
    c.header("Content-Length", String(head.size));
    return c.body(object.body, 200);
  });
}
