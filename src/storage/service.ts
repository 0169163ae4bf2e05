/**
 * StorageService: uploads (streamed to R2, typed from their bytes, capped per
 * purpose, counted against the owner's byte quota), listing and deletion. It
 * knows nothing of HTTP: routes hand it a stream of chunks.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { ApiError } from "../errors";
import { storageQuotaFor, type FilePurpose, type StorageSettings } from "../../contract/runtime-config/storage-settings";
import { timedProbe, type HealthCheck } from "../services/health";
import { createByteQuota } from "./byte-quota";
import { fileRecords, type FileRecord } from "./file-records";
import { writeObject } from "./r2-writer";

export interface UploadInput {
  ownerId: string;
  roles: readonly string[];
  purpose: FilePurpose;
  chunks: AsyncIterable<Uint8Array>;
  /** The body's declared length (Content-Length): an upper bound of the file, so less need be reserved. */
  declaredBytes: number | undefined;
  /** True when the body is the file itself (a raw upload), so a declared length past the cap is refused unread. */
  declaredIsExact: boolean;
}

export interface StorageService {
  upload(input: UploadInput): Promise<FileRecord>;
  list(ownerId: string, purpose: FilePurpose | undefined, limit: number, offset: number): Promise<{ items: FileRecord[]; total: number }>;
  find(id: string): Promise<FileRecord | undefined>;
  /** Deletes a file (its owner's or any, for an admin) and gives its bytes back; undefined when there is no such file. */
  remove(id: string, actor: { userId: string; admin: boolean }): Promise<FileRecord | undefined>;
  /** Bytes counted against the user (stored plus reserved) and the quota of these roles. */
  usage(userId: string, roles: readonly string[]): Promise<{ usedBytes: number; quotaBytes: number }>;
}

/** Where objects live: `<purpose>-<32 hex>`, never a client's file name. */
export function newObjectKey(purpose: FilePurpose): string {
  return `${purpose}-${crypto.randomUUID().replaceAll("-", "")}`;
}

export function createStorageService(deps: { bucket: R2Bucket; db: D1Database; redis: Redis; settings: () => Promise<StorageSettings> }): StorageService {
  const records = fileRecords(deps.db);
  const quota = createByteQuota(deps.redis);
  return {
    async upload(input) {
      const settings = await deps.settings();
      const maxBytes = settings.maxBytes[input.purpose];
      if (input.declaredBytes !== undefined && input.declaredIsExact && input.declaredBytes > maxBytes)
        throw new ApiError("PAYLOAD_TOO_LARGE", `a ${input.purpose} may be at most ${maxBytes} bytes`);
      const limit = storageQuotaFor(settings, input.roles);
      const reservedBytes = Math.min(input.declaredBytes ?? maxBytes, maxBytes);
      const reservation = await quota.reserve(input.ownerId, reservedBytes, limit, () => records.totalBytes(input.ownerId));
      if (!reservation.reserved)
        throw new ApiError("PAYLOAD_TOO_LARGE", "storage quota exceeded", { details: { usedBytes: reservation.usedBytes, quotaBytes: limit } });
      const key = newObjectKey(input.purpose);
      let charged = reservedBytes;
      try {
        const stored = await writeObject(deps.bucket, key, input.chunks, {
          purpose: input.purpose,
          maxBytes,
          customMetadata: { owner: input.ownerId, purpose: input.purpose },
          ...(input.declaredIsExact && input.declaredBytes !== undefined ? { expectedBytes: input.declaredBytes } : {}),
        });
        const record: FileRecord = {
          id: crypto.randomUUID(),
          ownerId: input.ownerId,
          purpose: input.purpose,
          key,
          contentType: stored.type.contentType,
          size: stored.size,
          etag: stored.etag,
          createdAt: Date.now(),
        };
        try {
          await records.insert(record);
        } catch (error) {
          await deps.bucket.delete(key).catch(() => undefined);
          throw error;
        }
        // Settle the reservation to the real size.
        await quota.release(input.ownerId, reservedBytes - stored.size);
        charged = 0;
        return record;
      } finally {
        if (charged > 0) await quota.release(input.ownerId, charged);
      }
    },
    list: (ownerId, purpose, limit, offset) => records.list(ownerId, purpose, limit, offset),
    find: (id) => records.find(id),
    async remove(id, actor) {
      const file = await records.find(id);
      if (!file) return undefined;
      if (file.ownerId !== actor.userId && !actor.admin) throw new ApiError("FORBIDDEN", "not your file");
      const removed = await records.remove(id);
      if (!removed) return undefined;
      await deps.bucket.delete(removed.key);
      await quota.release(removed.ownerId, removed.size);
      return removed;
    },
    async usage(userId, roles) {
      const settings = await deps.settings();
      const used = (await quota.used(userId)) ?? (await records.totalBytes(userId));
      return { usedBytes: used, quotaBytes: storageQuotaFor(settings, roles) };
    },
  };
}

/** R2 is healthy when a `head` of a fixed key answers (found or not) within the health bound. */
export function r2HealthCheck(bucket: R2Bucket, limits: { timeoutMs: number; degradedMs: number }): HealthCheck {
  return {
    name: "r2",
    kind: "dependency",
    // Uploads and files fail without it, the rest of the API does not.
    critical: false,
    version: () => "r2",
    health: () => timedProbe(() => bucket.head("__health__"), limits),
  };
}
