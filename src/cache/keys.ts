/**
 * Every cache key and tag in one place, so a writer and the readers it must
 * invalidate cannot drift apart.
 */

/** Keys of cached values. */
export const cacheKeys = {
  /** The user's own profile (GET /api/v1/user/profile). */
  profile: (userId: string) => `profile:${userId}`,
  /** The admin console's view of one user. */
  adminUser: (userId: string) => `admin:user:${userId}`,
  /** The admin console's statistics. */
  adminStats: "admin:stats",
} as const;

/** Tags: invalidating one drops every key stored with it. */
export const cacheTags = {
  /** Everything derived from one account row; every write to the account invalidates it. */
  user: (userId: string) => `user:${userId}`,
} as const;
