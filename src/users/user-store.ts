import type { AccountNoticeMessage } from "../messaging/messages";
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
  /** Why an admin banned or disabled the account (null when active). */
  banReason: string | null;
  /** When a ban ends on its own (null: until lifted). A ban past this time reads as `active`. */
  bannedUntil: number | null;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  /** Set by an admin's password reset: until the user chooses a new password, their tokens only open the change-password route. */
  mustChangePassword: boolean;
  /** When an emailed code last proved `email` (null: never). Notices are emailed only to a verified address. */
  emailVerifiedAt: number | null;
}

/**
 * The status an account has at `now`: a ban whose `bannedUntil` has passed
 * counts as active, so an expired ban needs no job to lift it.
 */
export function effectiveStatus(status: UserStatus, bannedUntil: number | null, now: number): UserStatus {
  return status === "banned" && bannedUntil !== null && bannedUntil <= now ? "active" : status;
}

/** Filters of the admin user listing and statistics; every field narrows. */
export interface UserFilter {
  /** Part of the username, email or nickname (case-insensitive). */
  keyword?: string;
  /** Effective status (an expired ban is `active`). */
  status?: UserStatus;
  role?: Role;
  /** Created at or after (epoch ms). */
  createdFrom?: number;
  /** Last logged in at or after (epoch ms). */
  lastLoginFrom?: number;
}

/** An admin status change: `reason` and `until` apply to bans and disables, and are cleared on reactivation. */
export interface StatusChange {
  status: UserStatus;
  reason: string | null;
  until: number | null;
}

/** The account after an admin write, or why it was not written. */
export type AdminWriteResult = UserRecord | "not_found" | "last_admin";

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
  /** The roles of each of these accounts that exists, in one read per up to 100 ids (accounts not found are absent). */
  findRolesByIds(ids: readonly string[]): Promise<Map<string, Role[]>>;
  /** Looks up by username (case-insensitive) or, when `login` contains "@", by email. */
  findByLogin(login: string): Promise<UserRecord | null>;
  /** Creates the account; `emailVerifiedAt` is set when registration checked an emailed code. */
  create(
    user: Omit<UserRecord, "updatedAt" | "lastLoginAt" | "nickname" | "avatar" | "bio" | "banReason" | "bannedUntil" | "mustChangePassword" | "emailVerifiedAt"> & {
      emailVerifiedAt?: number | null;
    },
  ): Promise<UserRecord>;
  /** A patch that changes `email` clears `emailVerifiedAt`: the new address is not proven. */
  updateProfile(id: string, patch: ProfilePatch, now: number): Promise<UserRecord | null>;
  /** Records that an emailed code proved `email` at `now`; false (nothing written) when the account's address is no longer `email`. */
  markEmailVerified(id: string, email: string, now: number): Promise<boolean>;
  /**
   * Sets the password; `mustChange` (an admin's temporary password) makes the user choose a new one before anything else.
   * `notice` is written to the D1 notice outbox in the same transaction (D1 store; the Mongo adapter cannot share one with
   * D1 and leaves it to the caller's enqueue), so a Worker dying before the enqueue loses no notice.
   */
  updatePassword(id: string, passwordHash: string, now: number, mustChange?: boolean, notice?: AccountNoticeMessage): Promise<void>;
  recordLogin(id: string, now: number): Promise<void>;
  /** Admin listing, newest first; `total` counts every match. */
  list(filter: UserFilter, page: { limit: number; offset: number }, now: number): Promise<{ users: UserRecord[]; total: number }>;
  /** How many accounts match (admin statistics). */
  count(filter: UserFilter, now: number): Promise<number>;
  /** Bans, disables or reactivates; refuses (`last_admin`) to leave no active admin. */
  setStatus(id: string, change: StatusChange, now: number): Promise<AdminWriteResult>;
  /** Replaces the roles; refuses (`last_admin`) to leave no active admin. */
  setRoles(id: string, roles: Role[], now: number): Promise<AdminWriteResult>;
}
