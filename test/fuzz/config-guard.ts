/**
 * The fuzzer saves runtime-config documents as an admin (that is part of the
 * contract), so it puts the document it found back when it is done: later
 * test files share this stack.
 */
import { call, type Envelope } from "../support/http.ts";

interface Snapshot {
  version: number;
  document: Record<string, unknown>;
}

async function read(apiUrl: string, token: string): Promise<Snapshot> {
  const response = await call("/api/v1/admin/config", { base: apiUrl, headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /api/v1/admin/config answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as Envelope<Snapshot>).data;
}

/** Reads the current document now; the returned function restores it (as a new version) if it changed. */
export async function guardRuntimeConfig(apiUrl: string, adminToken: () => string): Promise<() => Promise<void>> {
  const saved = await read(apiUrl, adminToken());
  return async () => {
    const current = await read(apiUrl, adminToken());
    if (current.version === saved.version) return;
    const response = await call("/api/v1/admin/config", {
      base: apiUrl,
      method: "PUT",
      json: { version: current.version, document: saved.document },
      headers: { Authorization: `Bearer ${adminToken()}` },
    });
    if (response.status !== 200) throw new Error(`restoring the runtime config failed: ${response.status} ${await response.text()}`);
  };
}
