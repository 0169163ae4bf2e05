import { timedProbe, type HealthCheck } from "../services/health";
import { DuplicateUserError, type ProfilePatch, type Role, type UserRecord, type UserStatus, type UserStore } from "./user-store";

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
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    roles: JSON.parse(row.roles) as Role[],
    status: row.status,
    nickname: row.nickname,
    avatar: row.avatar,
    bio: row.bio,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
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

    async findByLogin(login) {
      const row = login.includes("@")
        ? await db.prepare("SELECT * FROM users WHERE email = ?").bind(login.toLowerCase()).first<UserRow>()
        : await db.prepare("SELECT * FROM users WHERE username_lower = ?").bind(login.toLowerCase()).first<UserRow>();
      return row ? toRecord(row) : null;
    },

    async create(user) {
      try {
        await db
          .prepare("INSERT INTO users (id, username, username_lower, email, password_hash, roles, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(user.id, user.username, user.username.toLowerCase(), user.email.toLowerCase(), user.passwordHash, JSON.stringify(user.roles), user.status, user.createdAt, user.createdAt)
          .run();
      } catch (error) {
        const field = duplicateField(error);
        if (field) throw new DuplicateUserError(field);
        throw error;
      }
      return { ...user, email: user.email.toLowerCase(), updatedAt: user.createdAt, lastLoginAt: null, nickname: null, avatar: null, bio: null };
    },

    async updateProfile(id, patch: ProfilePatch, now) {
      const columns = (["nickname", "avatar", "bio", "email"] as const).filter((key) => patch[key] !== undefined);
      if (columns.length > 0) {
        const values = columns.map((key) => (key === "email" ? patch.email?.toLowerCase() : patch[key]) ?? null);
        try {
          await db
            .prepare(`UPDATE users SET ${columns.map((column) => `${column} = ?`).join(", ")}, updated_at = ? WHERE id = ?`)
            .bind(...values, now, id)
            .run();
        } catch (error) {
          if (duplicateField(error)) throw new DuplicateUserError("email");
          throw error;
        }
      }
      const row = await byId(id);
      return row ? toRecord(row) : null;
    },

    async updatePassword(id, passwordHash, now) {
      await db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?").bind(passwordHash, now, id).run();
    },

    async recordLogin(id, now) {
      await db.prepare("UPDATE users SET last_login_at = ? WHERE id = ?").bind(now, id).run();
    },
  };
}
