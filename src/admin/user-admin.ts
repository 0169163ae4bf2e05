import type { RevocationCache } from "../auth/revocation";
import type { SessionStore } from "../auth/session-store";
import { hashPassword } from "../auth/passwords";
import { ACCESS_TOKEN_TTL_MAX_SECONDS } from "../../contract/runtime-config/auth-settings";
import { ApiError } from "../errors";
import type { AdminWriteResult, Role, StatusChange, UserRecord, UserStore } from "../users/user-store";

/**
 * A login reads the account, hashes the password (tens of ms), then creates its
 * session. One that read the account just before a ban, a role removal or a
 * password reset could create its session (with the old roles, or from the old
 * password) just after the change's revocation sweep; a second sweep this much
 * later ends it.
 * Not a tuning knob: it only has to exceed that read-to-session time.
 */
const BAN_RESWEEP_MS = 2_000;

/** Temporary passwords: 16 characters without look-alikes (0/O, 1/l/I), at least one letter and one digit. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const TEMPORARY_PASSWORD_LENGTH = 16;

/** A random password that meets the password rules; rejection sampling keeps every character equally likely. */
export function temporaryPassword(): string {
  for (;;) {
    let password = "";
    while (password.length < TEMPORARY_PASSWORD_LENGTH) {
      for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
        if (byte < ALPHABET.length * Math.floor(256 / ALPHABET.length) && password.length < TEMPORARY_PASSWORD_LENGTH)
          password += ALPHABET[byte % ALPHABET.length];
      }
    }
    if (/[A-Za-z]/.test(password) && /\d/.test(password)) return password;
  }
}

/** What the admin user actions need; no HTTP types. */
export interface UserAdminDeps {
  users: UserStore;
  sessions: SessionStore;
  revocations: RevocationCache;
  accessTokenTtlMs: number;
  /** Keeps the second sweep alive after the response (the request's waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
}

function settle(result: AdminWriteResult, id: string): UserRecord {
  if (result === "not_found") throw new ApiError("NOT_FOUND", `no user ${id}`);
  if (result === "last_admin") throw new ApiError("CONFLICT", "that would leave no active admin; make another admin first");
  return result;
}

/** Status, roles and password resets of other people's accounts. */
export function createUserAdmin({ users, sessions, revocations, accessTokenTtlMs, waitUntil }: UserAdminDeps) {
  /** Ends every session of the user: their tokens fail with 2016 here at once and everywhere within the revocation bound. */
  async function endAllSessions(userId: string): Promise<number> {
    const now = Date.now();
    const ended = await sessions.revoke({ userId, mode: "all", now, accessTtlMs: accessTokenTtlMs });
    // The longest lifetime any token could have: the synced entry carries the session's own token expiry (session-scripts.ts).
    for (const sid of ended) revocations.add("session", sid, now + ACCESS_TOKEN_TTL_MAX_SECONDS * 1000);
    return ended.length;
  }

  /**
   * Ends the user's sessions again after BAN_RESWEEP_MS, but only while the
   * change still stands (`stillApplies` re-reads the account): an unban or a
   * newer change within the window must not end the sessions made after it.
   */
  function sweepAgain(id: string, stillApplies: (user: UserRecord | null) => boolean): void {
    const resweep = async () => {
      await new Promise((resolve) => setTimeout(resolve, BAN_RESWEEP_MS));
      if (stillApplies(await users.findById(id))) await endAllSessions(id);
    };
    waitUntil(resweep().catch(() => undefined));
  }

  return {
    endAllSessions,

    /** Bans, disables or reactivates. A ban or disable ends every session of the user. */
    async setStatus(adminId: string, id: string, change: StatusChange): Promise<{ user: UserRecord; revokedSessions: number }> {
      if (id === adminId) throw new ApiError("CONFLICT", "you cannot change your own status");
      // The account is written first, so logins and refreshes are refused before the sessions go.
      const user = settle(await users.setStatus(id, change, Date.now()), id);
      if (change.status === "active") return { user, revokedSessions: 0 };
      const revokedSessions = await endAllSessions(id);
      sweepAgain(id, (now) => now?.status !== "active");
      return { user, revokedSessions };
    },

    /**
     * Replaces the roles. Tokens carry roles, so removing one ends the user's
     * sessions (they log in again with the new roles), twice like a ban; adding one shows at the next refresh.
     * An admin cannot change their own roles: a token that still says admin must not re-grant itself.
     */
    async setRoles(adminId: string, id: string, roles: Role[]): Promise<{ user: UserRecord; before: Role[]; revokedSessions: number }> {
      if (id === adminId) throw new ApiError("CONFLICT", "you cannot change your own roles");
      const current = await users.findById(id);
      if (!current) throw new ApiError("NOT_FOUND", `no user ${id}`);
      const user = settle(await users.setRoles(id, roles, Date.now()), id);
      const removedRoles = current.roles.filter((role) => !roles.includes(role));
      if (removedRoles.length === 0) return { user, before: current.roles, revokedSessions: 0 };
      const revokedSessions = await endAllSessions(id);
      // Only while none of the removed roles has been given back meanwhile.
      sweepAgain(id, (now) => now !== null && !removedRoles.some((role) => now.roles.includes(role)));
      return { user, before: current.roles, revokedSessions };
    },

    /** Sets a fresh temporary password and ends every session. The password is returned once and never stored or logged. */
    async resetPassword(id: string): Promise<{ temporaryPassword: string; revokedSessions: number }> {
      if (!(await users.findById(id))) throw new ApiError("NOT_FOUND", `no user ${id}`);
      const password = temporaryPassword();
      // The temporary password is known to the admin who reset it: the user must replace it before using the account.
      const passwordHash = await hashPassword(password);
      await users.updatePassword(id, passwordHash, Date.now(), true);
      const revokedSessions = await endAllSessions(id);
      // Only while the temporary password is still the account's: once the user replaced it, their new sessions stay.
      sweepAgain(id, (now) => now?.passwordHash === passwordHash);
      return { temporaryPassword: password, revokedSessions };
    },
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
