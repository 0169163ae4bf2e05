import type { EnvConfig } from "../config";
import type { AuthSettings } from "../../contract/runtime-config/auth-settings";
import { isolateMetrics } from "../metrics/isolate";
import { ApiError } from "../errors";
import { DuplicateUserError, type Role, type UserRecord, type UserStore } from "../users/user-store";
import type { AccountNoticeMessage } from "../messaging/messages";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "./passwords";
import type { LoginThrottle } from "./login-throttle";
import type { RevocationCache } from "./revocation";
import { ACCESS_TOKEN_TTL_MAX_SECONDS } from "../../contract/runtime-config/auth-settings";
import { hashRefreshToken, newRefreshToken, sessionOfRefreshToken, successorRefreshToken, type SessionInfo, type SessionStore } from "./session-store";
import { signAccessToken, type AccessClaims } from "./tokens";

/** The caller's client, for session listings and throttles. */
export interface ClientInfo {
  ip: string;
  maskedIp: string;
  device: string;
}

/** The account as clients see it (both `id` and `user_id`: existing clients read either). */
export function publicUser(user: UserRecord) {
  return { id: user.id, user_id: user.id, username: user.username, email: user.email, roles: user.roles, status: user.status };
}

/** What register, login and refresh return. */
export interface TokenPair {
  token: string;
  refreshToken: string;
  expires_in: number;
  user: ReturnType<typeof publicUser>;
  user_id: string;
  roles: Role[];
  /** The account logged in with an admin-set temporary password: the token only opens PUT /api/v1/user/password. */
  mustChangePassword: boolean;
}

type Deps = {
  config: EnvConfig;
  /** The runtime config's `auth` section as this request sees it (cached per isolate). */
  settings: () => Promise<AuthSettings>;
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  revocations: RevocationCache;
};

/** Accounts, logins, refresh rotation and revocation; no HTTP types inside. */
export function createAuthService({ config, settings, users, sessions, throttle, revocations }: Deps) {
  /**
   * Lifetimes for one call. A session's revocation entry lives as long as an
   * access token issued now; a token issued earlier under a longer lifetime is
   * refused by requireAuth once it is older than the current one, so the entry
   * never expires before the tokens it covers.
   */
  const times = (auth: AuthSettings, now: number) => ({
    now,
    refreshTtlMs: auth.refreshTokenTtlSeconds * 1000,
    accessTtlMs: auth.accessTokenTtlSeconds * 1000,
  });
  type RevocationReason = "logout" | "logout_all" | "session_evicted" | "password_change" | "reuse_detected" | "admin";
  /**
   * Applies revocations in this isolate at once and counts them. The local copy
   * lasts the longest lifetime any token could have (the synced entry from Redis
   * carries the session's own token expiry); an in-memory entry is cheap.
   */
  const forgetSessions = (_auth: AuthSettings, sids: string[], now: number, reason: RevocationReason) => {
    for (const sid of sids) revocations.add("session", sid, now + ACCESS_TOKEN_TTL_MAX_SECONDS * 1000);
    if (sids.length > 0) isolateMetrics().inc("qingyu_auth_revocations_total", { reason }, sids.length);
  };

  async function issue(auth: AuthSettings, user: UserRecord, sid: string, refreshToken: string, now: number): Promise<TokenPair> {
    const { token } = await signAccessToken(
      config,
      { userId: user.id, roles: user.roles, sid, mustChangePassword: user.mustChangePassword },
      auth.accessTokenTtlSeconds,
      now,
    );
    return {
      token,
      refreshToken,
      expires_in: auth.accessTokenTtlSeconds,
      user: publicUser(user),
      user_id: user.id,
      roles: user.roles,
      mustChangePassword: user.mustChangePassword,
    };
  }

  async function startSession(auth: AuthSettings, user: UserRecord, client: ClientInfo, now: number): Promise<TokenPair> {
    const sid = crypto.randomUUID();
    const refreshToken = newRefreshToken(sid);
    const evicted = await sessions.create({
      sid,
      userId: user.id,
      refreshHash: await hashRefreshToken(refreshToken),
      device: client.device,
      ip: client.maskedIp,
      maxSessions: auth.maxSessionsPerUser,
      ...times(auth, now),
    });
    forgetSessions(auth, evicted, now, "session_evicted");
    return issue(auth, user, sid, refreshToken, now);
  }

  return {
    /** `emailVerified`: registration checked an emailed code for this address. */
    async register(input: { username: string; email: string; password: string; emailVerified?: boolean }, client: ClientInfo): Promise<TokenPair> {
      const auth = await settings();
      const now = Date.now();
      const passwordHash = await hashPassword(input.password);
      let user: UserRecord;
      try {
        user = await users.create({
          id: crypto.randomUUID(),
          username: input.username,
          email: input.email,
          passwordHash,
          roles: ["reader"],
          status: "active",
          createdAt: now,
          emailVerifiedAt: input.emailVerified ? now : null,
        });
      } catch (error) {
        if (error instanceof DuplicateUserError) throw new ApiError(error.field === "email" ? "EMAIL_TAKEN" : "USERNAME_TAKEN");
        throw error;
      }
      return startSession(auth, user, client, now);
    },

    async login(input: { login: string; password: string }, client: ClientInfo): Promise<TokenPair> {
      const auth = await settings();
      const user = await users.findByLogin(input.login);
      // Counted per account, so its username and its email share one limit; an unknown login by its text.
      const account = user ? user.id : `login:${input.login.toLowerCase()}`;
      const retryAfter = await throttle.admit(account, client.ip, auth.loginThrottle);
      if (retryAfter > 0)
        throw new ApiError("TOO_MANY_REQUESTS", `too many failed logins; retry in ${retryAfter} s`, { headers: { "Retry-After": String(retryAfter) } });
      // Hash even when the user does not exist, so timing does not tell which usernames exist.
      const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!user || !passwordOk) throw new ApiError("UNAUTHORIZED", "invalid username or password");
      if (user.status !== "active") throw new ApiError("FORBIDDEN", `account ${user.status}`);
      const now = Date.now();
      await Promise.all([throttle.succeeded(account, client.ip), users.recordLogin(user.id, now)]);
      return startSession(auth, user, client, now);
    },

    async refresh(refreshToken: string): Promise<TokenPair> {
      const sid = sessionOfRefreshToken(refreshToken);
      if (!sid) throw new ApiError("TOKEN_INVALID", "refresh token invalid");
      const auth = await settings();
      const now = Date.now();
      const rotated = await successorRefreshToken(refreshToken, sid, config.JWT_KEYS[0]?.secret ?? "");
      const result = await sessions.rotate({
        sid,
        presentedHash: await hashRefreshToken(refreshToken),
        newHash: await hashRefreshToken(rotated),
        graceMs: auth.refreshReuseGraceSeconds * 1000,
        ...times(auth, now),
      });
      if (result.status === "unknown") throw new ApiError("TOKEN_INVALID", "refresh token invalid");
      if (result.status === "gone") throw new ApiError("TOKEN_REVOKED", "session revoked or expired");
      if (result.status === "reuse") {
        forgetSessions(auth, [sid], now, "reuse_detected");
        throw new ApiError("TOKEN_REVOKED", "refresh token reuse detected; the session has been revoked");
      }
      const user = await users.findById(result.userId);
      if (!user || user.status !== "active") {
        await sessions.revoke({ userId: result.userId, mode: "own", sid, ...times(auth, now) });
        forgetSessions(auth, [sid], now, "admin");
        throw new ApiError("TOKEN_REVOKED", "account no longer active");
      }
      return issue(auth, user, sid, rotated, now);
    },

    /** Ends the caller's session and blacklists the access token for its remaining life. */
    async logout(claims: AccessClaims): Promise<void> {
      const auth = await settings();
      const now = Date.now();
      await sessions.revoke({ userId: claims.user_id, mode: "own", sid: claims.sid, jti: { id: claims.jti, expMs: claims.exp * 1000 }, ...times(auth, now) });
      forgetSessions(auth, [claims.sid], now, "logout");
      revocations.add("token", claims.jti, claims.exp * 1000);
    },

    /** Ends every session of the user, or all but the caller's. Returns how many ended. */
    async endSessions(claims: AccessClaims, which: "all" | "others"): Promise<number> {
      const auth = await settings();
      const now = Date.now();
      const ended = await sessions.revoke({ userId: claims.user_id, mode: which, sid: claims.sid, ...times(auth, now) });
      forgetSessions(auth, ended, now, which === "all" ? "logout_all" : "password_change");
      return ended.length;
    },

    async endSession(claims: AccessClaims, sid: string): Promise<void> {
      const auth = await settings();
      const now = Date.now();
      const ended = await sessions.revoke({ userId: claims.user_id, mode: "one", sid, ...times(auth, now) });
      if (ended.length === 0) throw new ApiError("NOT_FOUND", "no such session");
      forgetSessions(auth, [sid], now, "logout");
    },

    async listSessions(claims: AccessClaims): Promise<Array<SessionInfo & { current: boolean }>> {
      const list = await sessions.list(claims.user_id);
      return list.map((session) => ({ ...session, current: session.id === claims.sid }));
    },

    /**
     * Changes the password and revokes every other session; returns how many
     * were revoked. A caller replacing an admin-set temporary password loses
     * its own session too: its token is restricted, so it logs in again with
     * the new password.
     */
    /** `notice` for the account (its address is known here) is stored with the new password; the caller sends it. */
    async changePassword(claims: AccessClaims, oldPassword: string, newPassword: string, notice?: (user: UserRecord) => AccountNoticeMessage): Promise<{ revoked: number; notice?: AccountNoticeMessage }> {
      const user = await users.findById(claims.user_id);
      if (!user) throw new ApiError("NOT_FOUND", "account not found");
      if (!(await verifyPassword(oldPassword, user.passwordHash))) {
        throw new ApiError("INVALID_PARAMETER", "current password is incorrect", { details: { old_password: "incorrect" } });
      }
      const now = Date.now();
      const message = notice?.(user);
      await users.updatePassword(user.id, await hashPassword(newPassword), now, false, message);
      return { revoked: await this.endSessions(claims, claims.pwd_change ? "all" : "others"), notice: message };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
