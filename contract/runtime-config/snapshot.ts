/** What the ConfigStore object answers: shared by the object, the API Worker's cache and the admin routes. */
import type { RuntimeConfig } from "./schema";

/** The current document and who made it. */
export interface ConfigSnapshot {
  version: number;
  document: RuntimeConfig;
  updatedAt: number | null;
  updatedBy: string | null;
}

/** One entry of the change history. */
export interface ConfigHistoryEntry {
  version: number;
  author: string;
  requestId: string | null;
  createdAt: number;
  note: string | null;
  /** The changed leaves as JSON text (`ConfigChange[]`): the recursive Json type is too deep for the RPC stub's types. */
  changesJson: string;
}

/** Why an update was refused. */
export type ConfigUpdateFailure =
  | { ok: false; reason: "invalid"; issues: Array<{ path: string; message: string }> }
  | { ok: false; reason: "conflict"; currentVersion: number }
  | { ok: false; reason: "unknown_version"; version: number };

export type ConfigUpdateResult = ({ ok: true } & ConfigSnapshot) | ConfigUpdateFailure;
