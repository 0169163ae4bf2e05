import type { UserRecord } from "./user-store";

const iso = (ms: number) => new Date(ms).toISOString();

/** The account without secrets, as the profile endpoints return it; the admin view adds the ban fields to it. */
export function toProfile(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    roles: user.roles,
    status: user.status,
    nickname: user.nickname,
    avatar: user.avatar,
    bio: user.bio,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
    lastLoginAt: user.lastLoginAt === null ? null : iso(user.lastLoginAt),
  };
}
