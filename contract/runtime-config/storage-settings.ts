/**
 * The operator-tunable file-storage settings (`storage` section of the runtime
 * config): the size cap of one upload per purpose, every role's byte quota and
 * how long browsers and CDNs may keep served files.
 */
import { z } from "@hono/zod-openapi";
import { QUOTA_ROLES } from "../quota/defaults";

/** What an upload is for: decides its size cap, the accepted types and who may read it. */
export const FILE_PURPOSES = ["avatar", "cover", "attachment"] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

const MIB = 1024 * 1024;
const bytes = (fallback: number) => z.number().int().min(1).max(5 * 1024 * MIB).default(fallback);
const seconds = (fallback: number) => z.number().int().min(0).max(31_536_000).default(fallback);

const DEFAULT_QUOTA_BYTES: Record<(typeof QUOTA_ROLES)[number], number> = {
  reader: 50 * MIB,
  vip_reader: 200 * MIB,
  writer: 500 * MIB,
  signed_writer: 2048 * MIB,
  master: 2048 * MIB,
  admin: 2048 * MIB,
};

export const StorageSettingsSchema = z
  .object({
    /** The largest single upload per purpose; past it the upload is cut off with 413 code 1008. */
    maxBytes: z.object({ avatar: bytes(2 * MIB), cover: bytes(5 * MIB), attachment: bytes(20 * MIB) }).prefault({}),
    /** Bytes a user may keep in total, by role (the most generous of the user's roles applies). */
    quotaBytesByRole: z
      .object(Object.fromEntries(QUOTA_ROLES.map((role) => [role, bytes(DEFAULT_QUOTA_BYTES[role])])) as Record<(typeof QUOTA_ROLES)[number], ReturnType<typeof bytes>>)
      .prefault({}),
    /** `Cache-Control: public, max-age` of the public purposes (keys are never reused, so long is safe). */
    publicMaxAgeSeconds: seconds(86_400),
    /** Lifetime of a signed URL to a private attachment. */
    signedUrlTtlSeconds: z.number().int().min(10).max(604_800).default(600),
  })
  .prefault({});

export type StorageSettings = z.infer<typeof StorageSettingsSchema>;

/** The byte quota of a user with these roles: the largest of their roles' quotas (reader's when none is known). */
export function storageQuotaFor(settings: StorageSettings, roles: readonly string[]): number {
  const known = roles.filter((role): role is (typeof QUOTA_ROLES)[number] => role in settings.quotaBytesByRole);
  if (known.length === 0) return settings.quotaBytesByRole.reader;
  return Math.max(...known.map((role) => settings.quotaBytesByRole[role]));
}
