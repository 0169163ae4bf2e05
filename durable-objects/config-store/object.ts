import { DurableObject } from "cloudflare:workers";
import { applyMergePatch, diffDocuments, type ConfigChange, type Json } from "../../contract/runtime-config/merge-patch";
import { RuntimeConfigSchema, type RuntimeConfig } from "../../contract/runtime-config/schema";
import { storagePing, type PingReply } from "../ping";
import type { ConfigHistoryEntry, ConfigSnapshot, ConfigUpdateResult } from "../../contract/runtime-config/snapshot";

export type { ConfigHistoryEntry, ConfigSnapshot, ConfigUpdateFailure, ConfigUpdateResult } from "../../contract/runtime-config/snapshot";

interface VersionRow extends Record<string, SqlStorageValue> {
  version: number;
  document: string;
  author: string;
  request_id: string | null;
  created_at: number;
  diff: string;
  note: string | null;
}

/**
 * The one runtime configuration document, versioned. One instance
 * (`getByName("global")`): a single writer makes optimistic concurrency exact,
 * and every version is kept for history and rollback.
 */
export class ConfigStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS config_versions (
      version INTEGER PRIMARY KEY,
      document TEXT NOT NULL,
      author TEXT NOT NULL,
      request_id TEXT,
      created_at INTEGER NOT NULL,
      diff TEXT NOT NULL,
      note TEXT
    )`);
  }

  async ping(): Promise<PingReply> {
    return storagePing(this.ctx.storage.sql);
  }

  /** The latest version, or the defaults as version 0 before anyone saved. */
  get(): ConfigSnapshot {
    const row = this.ctx.storage.sql.exec<VersionRow>("SELECT * FROM config_versions ORDER BY version DESC LIMIT 1").toArray()[0];
    if (!row) return { version: 0, document: RuntimeConfigSchema.parse({}), updatedAt: null, updatedBy: null };
    return { version: row.version, document: RuntimeConfigSchema.parse(JSON.parse(row.document)), updatedAt: row.created_at, updatedBy: row.author };
  }

  /**
   * Replaces the document or applies a JSON merge patch to it, if
   * `expectedVersion` is still current and the result validates.
   */
  update(input: { mode: "replace" | "merge"; body: Json; expectedVersion: number; author: string; requestId?: string; note?: string }): ConfigUpdateResult {
    const current = this.get();
    if (input.expectedVersion !== current.version) return { ok: false, reason: "conflict", currentVersion: current.version };
    const candidate = input.mode === "merge" ? applyMergePatch(current.document as unknown as Json, input.body) : input.body;
    const parsed = RuntimeConfigSchema.safeParse(candidate);
    if (!parsed.success) {
      return { ok: false, reason: "invalid", issues: parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "(root)", message: issue.message })) };
    }
    const changes = diffDocuments(current.document as unknown as Json, parsed.data as unknown as Json);
    const version = current.version + 1;
    const createdAt = Date.now();
    this.ctx.storage.sql.exec(
      "INSERT INTO config_versions (version, document, author, request_id, created_at, diff, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
      version,
      JSON.stringify(parsed.data),
      input.author,
      input.requestId ?? null,
      createdAt,
      JSON.stringify(changes),
      input.note ?? null,
    );
    return { ok: true, version, document: parsed.data, updatedAt: createdAt, updatedBy: input.author };
  }

  /** Makes the document of an earlier version current again, as a new version. */
  rollback(input: { version: number; expectedVersion: number; author: string; requestId?: string }): ConfigUpdateResult {
    if (input.version === 0)
      return this.update({
        mode: "replace",
        body: {},
        expectedVersion: input.expectedVersion,
        author: input.author,
        requestId: input.requestId,
        note: "rollback to defaults",
      });
    const row = this.ctx.storage.sql.exec<VersionRow>("SELECT * FROM config_versions WHERE version = ?", input.version).toArray()[0];
    if (!row) return { ok: false, reason: "unknown_version", version: input.version };
    return this.update({
      mode: "replace",
      body: JSON.parse(row.document) as Json,
      expectedVersion: input.expectedVersion,
      author: input.author,
      requestId: input.requestId,
      note: `rollback to version ${input.version}`,
    });
  }

  /** Newest first. */
  history(input: { limit: number; offset: number }): { entries: ConfigHistoryEntry[]; total: number } {
    const total = this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM config_versions").one().n;
    const rows = this.ctx.storage.sql
      .exec<VersionRow>("SELECT * FROM config_versions ORDER BY version DESC LIMIT ? OFFSET ?", input.limit, input.offset)
      .toArray();
    return {
      total,
      entries: rows.map((row) => ({
        version: row.version,
        author: row.author,
        requestId: row.request_id,
        createdAt: row.created_at,
        note: row.note,
        changesJson: row.diff,
      })),
    };
  }
}
