/**
 * SQL for the admin side of the D1 user store: listing filters, the effective
 * status (an expired ban reads as active) and the "never leave no active admin"
 * guard, which is part of the UPDATE itself so two admins demoting each other
 * at once cannot both succeed.
 */
import type { UserFilter } from "./user-store";
import { usernameKey } from "./username";

/** The status at `?` (now): a ban past its `banned_until` is active. */
const EFFECTIVE_STATUS = "(CASE WHEN status = 'banned' AND banned_until IS NOT NULL AND banned_until <= ? THEN 'active' ELSE status END)";

/** WHERE clause and values for a listing filter. */
export function userWhere(filter: UserFilter, now: number): { sql: string; values: Array<string | number> } {
  const clauses: string[] = [];
  const values: Array<string | number> = [];
  if (filter.keyword) {
    // instr, not LIKE: D1 refuses LIKE patterns over 50 bytes ("pattern too complex"), which 13 CJK characters
    // reach, and instr has no wildcards to escape. lower() folds ASCII, as LIKE did.
    // Usernames are matched on their stored key (NFKC, case-folded), so ＬＩＮ finds lin.
    const needle = filter.keyword.toLowerCase();
    clauses.push("(instr(username_lower, ?) > 0 OR instr(lower(email), ?) > 0 OR instr(lower(coalesce(nickname, '')), ?) > 0)");
    values.push(usernameKey(filter.keyword), needle, needle);
  }
  if (filter.status) {
    clauses.push(`${EFFECTIVE_STATUS} = ?`);
    values.push(now, filter.status);
  }
  if (filter.role) {
    clauses.push("EXISTS (SELECT 1 FROM json_each(users.roles) WHERE json_each.value = ?)");
    values.push(filter.role);
  }
  if (filter.createdFrom !== undefined) {
    clauses.push("created_at >= ?");
    values.push(filter.createdFrom);
  }
  if (filter.lastLoginFrom !== undefined) {
    clauses.push("last_login_at >= ?");
    values.push(filter.lastLoginFrom);
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", values };
}

/** True for a row (aliased `t`) that is an admin and effectively active at `?1`. */
const activeAdmin = (t: string) =>
  `(EXISTS (SELECT 1 FROM json_each(${t}.roles) WHERE json_each.value = 'admin') AND (${t}.status = 'active' OR (${t}.status = 'banned' AND ${t}.banned_until IS NOT NULL AND ${t}.banned_until <= ?1)))`;

/**
 * The guard both admin writes append to their WHERE: the write goes ahead when
 * the row stays an active admin (`?3` = 1), is not an active admin now, or
 * another active admin exists. Numbered parameters: ?1 now, ?2 the id, ?3 keeps admin.
 */
export const KEEPS_AN_ADMIN = `(?3 = 1 OR NOT ${activeAdmin("users")} OR EXISTS (SELECT 1 FROM users AS other WHERE other.id != ?2 AND ${activeAdmin("other")}))`;

/** Sets status, reason and end; ?4 status, ?5 reason, ?6 until. */
export const SET_STATUS_SQL = `UPDATE users SET status = ?4, ban_reason = ?5, banned_until = ?6, updated_at = ?1 WHERE id = ?2 AND ${KEEPS_AN_ADMIN} RETURNING *`;

/** Replaces the roles; ?4 roles JSON. */
export const SET_ROLES_SQL = `UPDATE users SET roles = ?4, updated_at = ?1 WHERE id = ?2 AND ${KEEPS_AN_ADMIN} RETURNING *`;
