/** Helpers for the storage tests: files of known bytes and hand-built multipart bodies. Imported by tests only. */
import { api } from "./api";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** `size` random bytes that start like a PNG (the type is decided from the first bytes only). */
export function pngBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
  bytes.set(PNG_SIGNATURE.slice(0, size), 0);
  return bytes;
}

export const BOUNDARY = "----qingyuTestBoundary7MA4YWxkTrZu0gW";

/** A multipart/form-data body with text fields and then the `file` part; `closing: false` cuts it before the last boundary. */
export function multipartBody(file: Uint8Array, options: { fields?: Record<string, string>; filename?: string; trailingCrlf?: boolean; closing?: boolean } = {}): Blob {
  const parts: Array<string | Uint8Array<ArrayBuffer>> = [];
  for (const [name, value] of Object.entries(options.fields ?? {})) {
    parts.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  }
  parts.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${options.filename ?? "photo.png"}"\r\nContent-Type: image/png\r\n\r\n`);
  parts.push(file as Uint8Array<ArrayBuffer>);
  if (options.closing !== false) parts.push(`\r\n--${BOUNDARY}--${options.trailingCrlf === false ? "" : "\r\n"}`);
  return new Blob(parts);
}

/** Uploads as the web client does (multipart, field `file`). */
export function uploadMultipart(path: string, token: string, file: Uint8Array, options: Parameters<typeof multipartBody>[1] = {}): Promise<Response> {
  return api(path, { method: "POST", token, headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: multipartBody(file, options) });
}

/** Uploads the raw bytes as the body. */
export function uploadRaw(purpose: string, token: string, body: BodyInit, contentType = "application/octet-stream"): Promise<Response> {
  return api(`/api/v1/storage/files?purpose=${purpose}`, { method: "POST", token, headers: { "content-type": contentType }, body });
}

/** SHA-256 of some bytes, as hex, to compare large files without printing them. */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
