/** The `storage_files` table (migrations/0008_storage_files.sql): who owns which object. */
import type { FilePurpose } from "../../contract/runtime-config/storage-settings";

export interface FileRecord {
  id: string;
  ownerId: string;
  purpose: FilePurpose;
  key: string;
  contentType: string;
  size: number;
  etag: string;
  createdAt: number;
}

interface FileRow {
  id: string;
  owner_id: string;
  purpose: FilePurpose;
  object_key: string;
  content_type: string;
  size_bytes: number;
  etag: string;
  created_at: number;
}

const toRecord = (row: FileRow): FileRecord => ({
  id: row.id,
  ownerId: row.owner_id,
  purpose: row.purpose,
  key: row.object_key,
  contentType: row.content_type,
  size: row.size_bytes,
  etag: row.etag,
  createdAt: row.created_at,
});

export function fileRecords(db: D1Database) {
  return {
    async insert(file: FileRecord): Promise<void> {
      await db
        .prepare("INSERT INTO storage_files (id, owner_id, purpose, object_key, content_type, size_bytes, etag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(file.id, file.ownerId, file.purpose, file.key, file.contentType, file.size, file.etag, file.createdAt)
        .run();
    },
    async find(id: string): Promise<FileRecord | undefined> {
      const row = await db.prepare("SELECT * FROM storage_files WHERE id = ?").bind(id).first<FileRow>();
      return row ? toRecord(row) : undefined;
    },
    /** Deletes the row and returns it, or undefined when another delete got there first. */
    async remove(id: string): Promise<FileRecord | undefined> {
      const row = await db.prepare("DELETE FROM storage_files WHERE id = ? RETURNING *").bind(id).first<FileRow>();
      return row ? toRecord(row) : undefined;
    },
    async list(ownerId: string, purpose: FilePurpose | undefined, limit: number, offset: number): Promise<{ items: FileRecord[]; total: number }> {
      const filter = purpose ? "owner_id = ? AND purpose = ?" : "owner_id = ?";
      const args = purpose ? [ownerId, purpose] : [ownerId];
      const [page, count] = await db.batch([
        db.prepare(`SELECT * FROM storage_files WHERE ${filter} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`).bind(...args, limit, offset),
        db.prepare(`SELECT COUNT(*) AS total FROM storage_files WHERE ${filter}`).bind(...args),
      ]);
      return { items: ((page?.results ?? []) as FileRow[]).map(toRecord), total: Number((count?.results?.[0] as { total: number } | undefined)?.total ?? 0) };
    },
    /** Bytes the owner's stored files take: the quota counter's seed. */
    async totalBytes(ownerId: string): Promise<number> {
      const row = await db.prepare("SELECT COALESCE(SUM(size_bytes), 0) AS total FROM storage_files WHERE owner_id = ?").bind(ownerId).first<{ total: number }>();
      return Number(row?.total ?? 0);
    },
  };
}

export type FileRecords = ReturnType<typeof fileRecords>;
