import type { HealthCheck } from "../services/health";

/** Roles an account can hold; new accounts are always `reader`. */
export const ROLES = ["reader", "vip_reader", "writer", "signed_writer", "master", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type UserStatus = "active" | "banned" | "disabled";

/** An account as stored, password hash included: never leaves the services layer. */
export interface UserRecord {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  roles: Role[];
  status: UserStatus;
  nickname: string | null;
  avatar: string | null;
  bio: string | null;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

/** Fields a user may change about themselves. */
export type ProfilePatch = Partial<Pick<UserRecord, "nickname" | "avatar" | "bio" | "email">>;

/** Thrown by `create`/`updateProfile` when a unique field is taken. */
export class DuplicateUserError extends Error {
  readonly field: "username" | "email";

  constructor(field: "username" | "email") {
    super(`${field} already taken`);
    this.field = field;
  }
}

/**
 * Where accounts live. D1 by default; a MongoDB Data API adapter speaks the
 * same interface (selected by the USER_STORE var).
 */
export interface UserStore {
  readonly health: HealthCheck;
  findById(id: string): Promise<UserRecord | null>;
  /** Looks up by username (case-insensitive) or, when `login` contains "@", by email. */
  findByLogin(login: string): Promise<UserRecord | null>;
  create(user: Omit<UserRecord, "updatedAt" | "lastLoginAt" | "nickname" | "avatar" | "bio">): Promise<UserRecord>;
  updateProfile(id: string, patch: ProfilePatch, now: number): Promise<UserRecord | null>;
  updatePassword(id: string, passwordHash: string, now: number): Promise<void>;
  recordLogin(id: string, now: number): Promise<void>;
}
