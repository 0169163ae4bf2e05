import { outboxInsert } from "../messaging/notice-outbox";
import { timedProbe, type HealthCheck } from "../services/health";
import { SET_ROLES_SQL, SET_STATUS_SQL, userWhere } from "./d1-user-queries";
import { DuplicateUserError, effectiveStatus, type AdminWriteResult, type ProfilePatch, type Role, type UserRecord, type UserStatus, type UserStore } from "./user-store";
import { usernameKey } from "./username";

interface UserRow {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  roles: string;
  status: UserStatus;
  nickname: string | null;
  avatar: string | null;
  bio: string | null;
  ban_reason: string | null;
  banned_until: number | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  must_change_password: number;
  email_verified_at: number | null;
}

function toRecord(row: UserRow, now = Date.now()): UserRecord {
  const status = effectiveStatus(row.status, row.banned_until, now);
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    roles: JSON.parse(row.roles) as Role[],
    status,
    nickname: row.nickname,
    avatar: row.avatar,
    bio: row.bio,
    banReason: status === "active" ? null : (row.ban_reason ?? null),
    bannedUntil: status === "active" ? null : (row.banned_until ?? null),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    mustChangePassword: row.must_change_password === 1,
    emailVerifiedAt: row.email_verified_at ?? null,
  };
}

/** D1 reports a unique violation as "UNIQUE constraint failed: users.<column>". */
function duplicateField(error: unknown): "username" | "email" | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!message.includes("UNIQUE constraint failed")) return undefined;
  return message.includes("users.email") ? "email" : "username";
}

/** Accounts in D1. Every query is parameterised: usernames are data, never SQL. */
export function createD1UserStore(db: D1Database, limits: { timeoutMs: number; degradedMs: number }): UserStore {
  const byId = (id: string) => db.prepare("SELECT * FROM users WHERE id = ?").bind(id).first<UserRow>();
  /** Why a guarded UPDATE changed nothing: no such row, or the guard refused. */
  const missingOrLastAdmin = async (id: string): Promise<AdminWriteResult> => ((await byId(id)) ? "last_admin" : "not_found");
  return {
    health: {
      name: "user_store",
      kind: "dependency",
      critical: true,
      version: () => "d1",
      health: () => timedProbe(() => db.prepare("SELECT count(*) AS n FROM users LIMIT 1").first(), limits),
    } satisfies HealthCheck,

    async findById(id) {
      const row = await byId(id);
      return row ? toRecord(row) : null;
    },

    async findRolesByIds(ids) {
      const roles = new Map<string, Role[]>();
      // D1 binds at most 100 parameters per statement.
      for (let start = 0; start < ids.length; start += 100) {
        const chunk = ids.slice(start, start + 100);
        const { results } = await db
          .prepare(`SELECT id, roles FROM users WHERE id IN (${chunk.map(() => "?").join(", ")})`)
          .bind(...chunk)
          .all<{ id: string; roles: string }>();
        for (const row of results) roles.set(row.id, JSON.parse(row.roles) as Role[]);
      }
      return roles;
    },

    async findByLogin(login) {
      const row = login.includes("@")
        ? await db.prepare("SELECT * FROM users WHERE email = ?").bind(login.toLowerCase()).first<UserRow>()
        : await db.prepare("SELECT * FROM users WHERE username_lower = ?").bind(usernameKey(login)).first<UserRow>();
      return row ? toRecord(row) : null;
    },

    async create(user) {
      try {
        await db
          .prepare(
            "INSERT INTO users (id, username, username_lower, email, password_hash, roles, status, created_at, updated_at, email_verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          )
          .bind(
            user.id,
            user.username,
            usernameKey(user.username),
            user.email.toLowerCase(),
            user.passwordHash,
            JSON.stringify(user.roles),
            user.status,
            user.createdAt,
            user.createdAt,
            user.emailVerifiedAt ?? null,
          )
          .run();
      } catch (error) {
        const field = duplicateField(error);
        if (field) throw new DuplicateUserError(field);
        throw error;
      }
      return {
        ...user,
        email: user.email.toLowerCase(),
        updatedAt: user.createdAt,
        lastLoginAt: null,
        nickname: null,
        avatar: null,
        bio: null,
        banReason: null,
        bannedUntil: null,
        mustChangePassword: false,
        emailVerifiedAt: user.emailVerifiedAt ?? null,
      };
    },

    async updateProfile(id, patch: ProfilePatch, now) {
      const columns = (["nickname", "avatar", "bio", "email"] as const).filter((key) => patch[key] !== undefined);
      if (columns.length > 0) {
        const values = columns.map((key) => (key === "email" ? patch.email?.toLowerCase() : patch[key]) ?? null);
        // SQLite evaluates every SET expression on the old row, so `email` here is the address before the change.
        const unverify = patch.email === undefined ? "" : ", email_verified_at = CASE WHEN email = ? THEN email_verified_at ELSE NULL END";
        const unverifyValues = patch.email === undefined ? [] : [patch.email.toLowerCase()];
        try {
          await db
            .prepare(`UPDATE users SET ${columns.map((column) => `${column} = ?`).join(", ")}${unverify}, updated_at = ? WHERE id = ?`)
            .bind(...values, ...unverifyValues, now, id)
            .run();
        } catch (error) {
          if (duplicateField(error)) throw new DuplicateUserError("email");
          throw error;
        }
      }
      const row = await byId(id);
      return row ? toRecord(row) : null;
    },

    async updatePassword(id, passwordHash, now, mustChange = false, notice) {
      const update = db.prepare("UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?").bind(passwordHash, mustChange ? 1 : 0, now, id);
      // One batch is one transaction: the password and its notice are written together or not at all.
      await (notice ? db.batch([update, outboxInsert(db, notice)]) : update.run());
    },

    async markEmailVerified(id, email, now) {
      const result = await db.prepare("UPDATE users SET email_verified_at = ? WHERE id = ? AND email = ?").bind(now, id, email.toLowerCase()).run();
      return result.meta.changes > 0;
    },

    async recordLogin(id, now) {
      await db.prepare("UPDATE users SET last_login_at = ? WHERE id = ?").bind(now, id).run();
    },

    async list(filter, page, now) {
      const { sql, values } = userWhere(filter, now);
      const [count, rows] = await db.batch([
        db.prepare(`SELECT count(*) AS n FROM users ${sql}`).bind(...values),
        db.prepare(`SELECT * FROM users ${sql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`).bind(...values, page.limit, page.offset),
      ]);
      return {
        total: (count?.results[0] as { n: number } | undefined)?.n ?? 0,
        users: ((rows?.results ?? []) as UserRow[]).map((row) => toRecord(row, now)),
      };
    },

    async count(filter, now) {
      const { sql, values } = userWhere(filter, now);
      const row = await db.prepare(`SELECT count(*) AS n FROM users ${sql}`).bind(...values).first<{ n: number }>();
      return row?.n ?? 0;
    },

    async setStatus(id, change, now) {
      const keepsAdmin = change.status === "active" ? 1 : 0;
      const row = await db.prepare(SET_STATUS_SQL).bind(now, id, keepsAdmin, change.status, change.reason, change.until).first<UserRow>();
      return row ? toRecord(row, now) : missingOrLastAdmin(id);
    },

    async setRoles(id, roles, now) {
      const keepsAdmin = roles.includes("admin") ? 1 : 0;
      const row = await db.prepare(SET_ROLES_SQL).bind(now, id, keepsAdmin, JSON.stringify(roles)).first<UserRow>();
      return row ? toRecord(row, now) : missingOrLastAdmin(id);
    },
  };
}
