/**
 * Writes a stream of unknown length to R2 with bounded memory. R2's `put`
 * needs a known length, so bytes are gathered into parts of exactly
 * `PART_BYTES`: a file that fits one part is one `put`, a larger one is a
 * multipart upload (R2 wants every part but the last of one size). Any failure
 * aborts the multipart upload, so a cut-off or refused upload leaves no object.
 */
import { ApiError } from "../errors";
import type { FilePurpose } from "../../contract/runtime-config/storage-settings";
import { SNIFF_BYTES, sniffType, type SniffedType } from "./sniff";

/** R2's smallest part (5 MiB) is also the most one upload holds in memory. */
export const PART_BYTES = 5 * 1024 * 1024;

export interface StoredObject {
  size: number;
  etag: string;
  type: SniffedType;
}

export interface WriteOptions {
  purpose: FilePurpose;
  maxBytes: number;
  customMetadata: Record<string, string>;
  /** The raw body's declared length: fewer bytes means the client went away (some runtimes end such a body quietly). */
  expectedBytes?: number;
}

/** Gathers chunks into exact-size parts. */
class PartBuffer {
  private chunks: Uint8Array[] = [];
  length = 0;

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `count` bytes (or all), removed from the buffer. */
  take(count = this.length): Uint8Array {
    const part = new Uint8Array(Math.min(count, this.length));
    let filled = 0;
    while (filled < part.length) {
      const chunk = this.chunks[0] as Uint8Array;
      const used = Math.min(chunk.length, part.length - filled);
      part.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.length -= part.length;
    return part;
  }

  /** The first bytes, without removing them. */
  head(count: number): Uint8Array {
    const head = new Uint8Array(Math.min(count, this.length));
    let filled = 0;
    for (const chunk of this.chunks) {
      if (filled >= head.length) break;
      const used = Math.min(chunk.length, head.length - filled);
      head.set(chunk.subarray(0, used), filled);
      filled += used;
    }
    return head;
  }
}

function decide(head: Uint8Array, purpose: FilePurpose): SniffedType {
  const type = sniffType(head, purpose);
  if (type === "markup") throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "SVG and HTML files are not accepted");
  if (type === "unsupported")
    throw new ApiError(
      "UNSUPPORTED_MEDIA_TYPE",
      purpose === "attachment" ? "accepted: PNG, JPEG, WebP, GIF, PDF, ZIP or plain text" : "accepted: PNG, JPEG, WebP or GIF",
    );
  return type;
}

/** Streams `chunks` into `bucket` under `key`; throws ApiError 413/415 or the stream's own error, leaving no object behind. */
export async function writeObject(bucket: R2Bucket, key: string, chunks: AsyncIterable<Uint8Array>, options: WriteOptions): Promise<StoredObject> {
  const pending = new PartBuffer();
  let type: SniffedType | undefined;
  let size = 0;
  let upload: R2MultipartUpload | undefined;
  const parts: R2UploadedPart[] = [];
  const httpMetadata = () => ({ contentType: type?.contentType ?? "application/octet-stream" });
  try {
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > options.maxBytes) throw new ApiError("PAYLOAD_TOO_LARGE", `a ${options.purpose} may be at most ${options.maxBytes} bytes`);
      pending.push(chunk);
      if (!type && pending.length >= SNIFF_BYTES) type = decide(pending.head(SNIFF_BYTES), options.purpose);
      while (pending.length >= PART_BYTES) {
        upload ??= await bucket.createMultipartUpload(key, { httpMetadata: httpMetadata(), customMetadata: options.customMetadata });
        parts.push(await upload.uploadPart(parts.length + 1, pending.take(PART_BYTES)));
      }
    }
    if (options.expectedBytes !== undefined && size !== options.expectedBytes)
      throw new ApiError("INVALID_PARAMETER", `the upload was cut off: ${size} of ${options.expectedBytes} bytes arrived`);
    type ??= decide(pending.head(SNIFF_BYTES), options.purpose);
    if (!upload) {
      const object = await bucket.put(key, pending.take(), { httpMetadata: httpMetadata(), customMetadata: options.customMetadata });
      // null only for a failed `onlyIf` precondition, which this put does not set.
      if (!object) throw new Error("R2 refused the write");
      return { size, etag: object.httpEtag, type };
    }
    if (pending.length > 0) parts.push(await upload.uploadPart(parts.length + 1, pending.take()));
    const object = await upload.complete(parts);
    return { size, etag: object.httpEtag, type };
  } catch (error) {
    if (upload) await upload.abort().catch(() => undefined);
    throw error;
  }
}
