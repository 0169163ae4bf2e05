/**
 * MongoDB query documents for the admin side of the Data API user store:
 * listing filters with the effective status (an expired ban reads as active).
 */
import type { UserFilter } from "./user-store";

type Query = Record<string, unknown>;

/** A regular expression matching `text` literally. */
export function literalRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Accounts whose effective status at `now` is active. */
export function effectivelyActive(now: number): Query {
  return { $or: [{ status: "active" }, { status: "banned", banned_until: { $lte: now } }] };
}

/** Admins that are effectively active at `now`. */
export function activeAdmins(now: number): Query {
  return { $and: [{ roles: "admin" }, effectivelyActive(now)] };
}

/** The query for a listing filter (`{}` matches everything). */
export function userQuery(filter: UserFilter, now: number): Query {
  const and: Query[] = [];
  if (filter.keyword) {
    const pattern = literalRegex(filter.keyword.toLowerCase());
    and.push({ $or: [{ username_lower: { $regex: pattern } }, { email: { $regex: pattern } }, { nickname: { $regex: pattern, $options: "i" } }] });
  }
  if (filter.status === "active") and.push(effectivelyActive(now));
  else if (filter.status === "banned") and.push({ status: "banned", $or: [{ banned_until: null }, { banned_until: { $gt: now } }] });
  else if (filter.status) and.push({ status: filter.status });
  if (filter.role) and.push({ roles: filter.role });
  if (filter.createdFrom !== undefined) and.push({ created_at: { $gte: filter.createdFrom } });
  if (filter.lastLoginFrom !== undefined) and.push({ last_login_at: { $gte: filter.lastLoginFrom } });
  if (and.length === 0) return {};
  return and.length === 1 ? (and[0] as Query) : { $and: and };
}
