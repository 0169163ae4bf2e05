/**
 * A streamed multipart/form-data reader for uploads. `Request.formData()` (and
 * the multipart libraries we looked at) hold each part whole in memory; an
 * upload of tens of megabytes must instead flow to R2 chunk by chunk, so this
 * reads the text fields before the file and hands the file part on as a stream
 * of chunks. Parts after the file are not read.
 */
import { ByteScanner, OversizedHeaderError, TruncatedBodyError } from "./byte-scanner";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF = encoder.encode("\r\n");
const HEADER_END = encoder.encode("\r\n\r\n");
/** Part headers and text fields are small; anything longer is not a form we accept. */
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_FIELD_BYTES = 1024;
const MAX_PREAMBLE_BYTES = 16 * 1024;

/** The body is not multipart as declared (no boundary, broken part headers, no file part). */
export class MalformedMultipartError extends Error {
  override readonly name = "MalformedMultipartError";
}

export interface MultipartUpload {
  /** Text fields sent before the file part (`purpose`, …). */
  fields: Record<string, string>;
  /** The file part's `filename`, for information only: it never becomes a key. */
  filename: string | undefined;
  /** The file's bytes, streamed; throws TruncatedBodyError when the body is cut off before the closing boundary. */
  chunks: AsyncGenerator<Uint8Array>;
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function dispositionParam(headers: string, param: string): string | undefined {
  const line = headers.split("\r\n").find((header) => /^content-disposition\s*:/i.test(header));
  if (!line) return undefined;
  const match = new RegExp(`;\\s*${param}="((?:[^"\\\\]|\\\\.)*)"|;\\s*${param}=([^;\\s]+)`, "i").exec(line);
  return match?.[1] ?? match?.[2];
}

/**
 * Opens the first file part of a multipart body (the part with a `filename`,
 * or the one named `file`). The closing boundary may or may not be followed by
 * CRLF: reading stops at the boundary that ends the file.
 */
export async function openMultipartFile(body: ReadableStream<Uint8Array>, boundary: string): Promise<MultipartUpload> {
  const scanner = new ByteScanner(body);
  const delimiter = encoder.encode(`--${boundary}`);
  const partEnd = encoder.encode(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  try {
    await scanner.readUntil(delimiter, MAX_PREAMBLE_BYTES);
    for (;;) {
      const after = await scanner.peek(2);
      if (after[0] === 0x2d && after[1] === 0x2d) throw new MalformedMultipartError("the form has no file part");
      if (after[0] !== CRLF[0] || after[1] !== CRLF[1]) throw new MalformedMultipartError("malformed multipart boundary line");
      scanner.skip(2);
      const headers = decoder.decode(await scanner.readUntil(HEADER_END, MAX_HEADER_BYTES));
      const name = dispositionParam(headers, "name");
      const filename = dispositionParam(headers, "filename");
      if (filename !== undefined || name === "file") return { fields, filename, chunks: scanner.streamUntil(partEnd) };
      const value = decoder.decode(await scanner.readUntil(partEnd, MAX_FIELD_BYTES));
      if (name) fields[name] = value;
    }
  } catch (error) {
    await scanner.cancel();
    if (error instanceof OversizedHeaderError) throw new MalformedMultipartError(error.message);
    if (error instanceof TruncatedBodyError && Object.keys(fields).length === 0) throw new MalformedMultipartError("the body ended before a file part");
    throw error;
  }
}

/** A raw body's chunks, for the same consumer as a multipart file. */
export async function* streamChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
