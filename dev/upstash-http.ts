/**
 * HTTP-side helpers of the Upstash REST bridge (see upstash-bridge.ts): body
 * reading with a size cap, JSON parsing and path-style command decoding.
 */
import type { IncomingMessage } from "node:http";
import { type Arg, BridgeError } from "./upstash-exec.ts";

/** Parses a JSON request body; malformed JSON → 400. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new BridgeError(400, `ERR malformed JSON body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `/set/a%20b/c` → ["set", "a b", "c"] (a trailing slash is ignored). */
export function pathCommand(path: string): Arg[] {
  const parts = path.split("/");
  parts.shift();
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    throw new BridgeError(400, "ERR malformed percent-encoding in path");
  }
}

/** Reads the request body, refusing (413) anything above `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the rest is drained and discarded by Node.
        req.removeAllListeners("data");
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

function tooLarge(limit: number): BridgeError {
  return new BridgeError(413, `ERR request body larger than ${limit} bytes`);
}
