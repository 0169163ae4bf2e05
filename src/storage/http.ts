/**
 * The HTTP side of an upload, shared by `POST /api/v1/storage/files` and
 * `POST /api/v1/user/avatar`: multipart/form-data (the web client's
 * `FormData` with a `file` part) or the raw file as the body, turned into a
 * stream of chunks for StorageService, and the file as JSON.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { FILE_PURPOSES, type FilePurpose } from "../../contract/runtime-config/storage-settings";
import { TruncatedBodyError } from "./byte-scanner";
import type { FileRecord } from "./file-records";
import { MalformedMultipartError, multipartBoundary, openMultipartFile, streamChunks } from "./multipart";

export const FileSchema = z
  .object({
    id: z.uuid(),
    purpose: z.enum(FILE_PURPOSES),
    key: z.string().openapi({ description: "Opaque object key (never the uploaded file's name)" }),
    url: z.string().openapi({ description: "Where the file is served: public for avatars and covers; attachments need the owner's token or a signed URL" }),
    contentType: z.string().openapi({ description: "Decided from the file's first bytes" }),
    size: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi("StoredFile");

export type FileView = z.infer<typeof FileSchema>;

/** The served URL of a key on this API's origin. */
export function fileUrl(c: Context<AppEnv>, key: string): string {
  return `${new URL(c.req.url).origin}/files/${key}`;
}

export function toFileView(c: Context<AppEnv>, file: FileRecord): FileView {
  return {
    id: file.id,
    purpose: file.purpose,
    key: file.key,
    url: fileUrl(c, file.key),
    contentType: file.contentType,
    size: file.size,
    createdAt: new Date(file.createdAt).toISOString(),
  };
}

export interface UploadBody {
  /** `purpose` as a form field sent before the file, if any. */
  formPurpose: string | undefined;
  chunks: AsyncIterable<Uint8Array>;
  declaredBytes: number | undefined;
  declaredIsExact: boolean;
}

/** Wraps the chunks so a body cut off mid-way (client gone, truncated form) is a 400, not a 500. */
async function* interruptible(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError("INVALID_PARAMETER", error instanceof TruncatedBodyError ? "the upload was cut off before its end" : "the upload could not be read to its end");
  }
}

/** Opens the request's file without reading it whole. */
export async function openUpload(c: Context<AppEnv>): Promise<UploadBody> {
  const body = c.req.raw.body;
  if (!body) throw new ApiError("INVALID_PARAMETER", "the request has no body: send the file as multipart/form-data (field `file`) or as the raw body");
  const length = c.req.header("Content-Length");
  const declaredBytes = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
  const contentType = c.req.header("Content-Type");
  if (contentType && /^multipart\//i.test(contentType)) {
    const boundary = multipartBoundary(contentType);
    if (!boundary) throw new ApiError("INVALID_PARAMETER", "multipart/form-data needs a boundary");
    try {
      const upload = await openMultipartFile(body, boundary);
      return { formPurpose: upload.fields.purpose, chunks: interruptible(upload.chunks), declaredBytes, declaredIsExact: false };
    } catch (error) {
      if (error instanceof MalformedMultipartError || error instanceof TruncatedBodyError) throw new ApiError("INVALID_PARAMETER", error.message);
      throw error;
    }
  }
  return { formPurpose: undefined, chunks: interruptible(streamChunks(body)), declaredBytes, declaredIsExact: true };
}

/** The purpose from the query or the form, validated. */
export function purposeOf(query: string | undefined, form: string | undefined): FilePurpose {
  const purpose = query ?? form;
  if (!purpose) throw new ApiError("INVALID_PARAMETER", "purpose is required (avatar, cover or attachment)", { details: { "query.purpose": "Required" } });
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose))
    throw new ApiError("INVALID_PARAMETER", "purpose must be avatar, cover or attachment", { details: { "query.purpose": "Invalid option" } });
  return purpose as FilePurpose;
}

/** Stores the opened upload for the caller and counts it (`qingyu_storage_uploads_total` by result). */
export async function storeUpload(c: Context<AppEnv>, purpose: FilePurpose, body: UploadBody): Promise<FileRecord> {
  const claims = c.var.auth;
  const metrics = c.var.metrics;
  try {
    const file = await c.var.services.storage.upload({ ownerId: claims.user_id, roles: claims.roles, purpose, ...body });
    metrics.inc("qingyu_storage_uploads_total", { purpose, result: "stored" });
    metrics.inc("qingyu_storage_uploaded_bytes_total", { purpose }, file.size);
    return file;
  } catch (error) {
    const result =
      error instanceof ApiError
        ? error.errorName === "PAYLOAD_TOO_LARGE"
          ? "too_large"
          : error.errorName === "UNSUPPORTED_MEDIA_TYPE"
            ? "unsupported"
            : error.errorName === "INVALID_PARAMETER"
              ? "interrupted"
              : "error"
        : "error";
    metrics.inc("qingyu_storage_uploads_total", { purpose, result });
    throw error;
  }
}
