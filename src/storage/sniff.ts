/**
 * The type of an upload, decided from its first bytes only: a client's
 * `Content-Type` or file name is never trusted, since a renamed HTML or SVG file
 * served from our origin would run script there.
 */
import type { FilePurpose } from "../../contract/runtime-config/storage-settings";

/** Bytes needed to recognise every accepted type (and to spot markup). */
export const SNIFF_BYTES = 512;

export interface SniffedType {
  contentType: string;
  image: boolean;
}

const startsWith = (head: Uint8Array, signature: readonly number[], at = 0) => signature.every((byte, i) => head[at + i] === byte);
const ascii = (head: Uint8Array, text: string, at = 0) => startsWith(head, Array.from(text, (ch) => ch.charCodeAt(0)), at);

const IMAGES: ReadonlyArray<{ contentType: string; test: (head: Uint8Array) => boolean }> = [
  { contentType: "image/png", test: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { contentType: "image/jpeg", test: (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  { contentType: "image/gif", test: (h) => ascii(h, "GIF87a") || ascii(h, "GIF89a") },
  { contentType: "image/webp", test: (h) => ascii(h, "RIFF") && ascii(h, "WEBP", 8) },
];

/** The attachment allowlist beyond images: documents and archives readers and writers exchange. */
const DOCUMENTS: ReadonlyArray<{ contentType: string; test: (head: Uint8Array) => boolean }> = [
  { contentType: "application/pdf", test: (h) => ascii(h, "%PDF-") },
  // ZIP and the formats built on it (docx, epub): served as a download, never opened inline.
  { contentType: "application/zip", test: (h) => startsWith(h, [0x50, 0x4b, 0x03, 0x04]) || startsWith(h, [0x50, 0x4b, 0x05, 0x06]) },
];

/** True when the bytes look like markup a browser might render as a page or an SVG. */
function looksLikeMarkup(head: Uint8Array): boolean {
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(head).replace(/^\uFEFF/, "").trimStart().toLowerCase();
  return /^<(\?xml|!doctype|html|svg|head|body|script|iframe|!--)/.test(text) || /<svg[\s>]/.test(text) || /<html[\s>]/.test(text);
}

/** Plain UTF-8 text (no control bytes besides tab and newlines), as an attachment of last resort. */
function looksLikePlainText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  for (const byte of head) if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) return false;
  try {
    // A cut at SNIFF_BYTES may split a character; `stream: true` lets the tail be incomplete.
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The accepted type for a purpose, or why not: `markup` (SVG, HTML) is always
 * refused; avatars and covers take the four image types; attachments also
 * take PDF, ZIP and plain text.
 */
export function sniffType(head: Uint8Array, purpose: FilePurpose): SniffedType | "markup" | "unsupported" {
  const image = IMAGES.find((entry) => entry.test(head));
  if (image) return { contentType: image.contentType, image: true };
  if (looksLikeMarkup(head)) return "markup";
  if (purpose !== "attachment") return "unsupported";
  const document = DOCUMENTS.find((entry) => entry.test(head));
  if (document) return { contentType: document.contentType, image: false };
  if (looksLikePlainText(head)) return { contentType: "text/plain; charset=utf-8", image: false };
  return "unsupported";
}
