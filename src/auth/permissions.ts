import type { Role } from "../users/user-store";

/**
 * What each role may do. Defaults until the runtime config (ConfigStore) lets
 * admins change them; permissions are additive across a user's roles.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly string[]> = {
  reader: ["book:read", "comment:write", "ai:use", "wallet:use"],
  vip_reader: ["book:read", "book:read_vip", "comment:write", "ai:use", "wallet:use"],
  writer: ["book:read", "comment:write", "ai:use", "wallet:use", "book:write"],
  signed_writer: ["book:read", "comment:write", "ai:use", "wallet:use", "book:write", "book:publish_paid", "wallet:withdraw"],
  master: ["book:read", "book:read_vip", "comment:write", "ai:use", "ai:unlimited", "wallet:use", "book:write", "book:publish_paid", "wallet:withdraw"],
  admin: ["admin:users", "admin:quota", "admin:wallet", "admin:config", "admin:alerts", "book:read", "ai:use", "wallet:use"],
};

/** The union of the roles' permissions, sorted. */
export function permissionsOf(roles: readonly Role[]): string[] {
  return [...new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role] ?? []))].sort();
}
