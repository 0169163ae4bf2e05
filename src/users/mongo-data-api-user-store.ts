import { timedProbe } from "../services/health";
import { activeAdmins, userQuery } from "./mongo-user-queries";
import {
  DuplicateUserError,
  effectiveStatus,
  type AdminWriteResult,
  type ProfilePatch,
  type Role,
  type UserRecord,
  type UserStatus,
  type UserStore,
} from "./user-store";
import { usernameKey } from "./username";

/**
 * Accounts in MongoDB through the Atlas Data API v1 (`POST {base}/action/{findOne|find|insertOne|updateOne|deleteOne|aggregate}`,
 * `apiKey` header, relaxed JSON). Tested against the documented wire contract
 * only: no MongoDB server can run on our machines (see README).
 */
export interface MongoDataApiOptions {
  baseUrl: string;
  apiKey: string;
  dataSource: string;
  database: string;
  collection?: string;
  limits: { timeoutMs: number; degradedMs: number };
  fetch?: typeof fetch;
}

interface UserDocument {
  _id: string;
  username: string;
  username_lower: string;
  email: string;
  password_hash: string;
  roles: Role[];
  status: UserStatus;
  nickname: string | null;
  avatar: string | null;
  bio: string | null;
  ban_reason?: string | null;
  banned_until?: number | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  must_change_password?: boolean;
  email_verified_at?: number | null;
}

/** An error answer of the Data API (`{error, error_code}`). */
export class DataApiError extends Error {
  readonly status: number;
  readonly errorCode: string | undefined;

  constructor(status: number, message: string, errorCode?: string) {
    super(`MongoDB Data API ${status}: ${message}`);
    this.status = status;
    this.errorCode = errorCode;
  }
}

function toRecord(doc: UserDocument, now = Date.now()): UserRecord {
  const status = effectiveStatus(doc.status, doc.banned_until ?? null, now);
  return {
    id: doc._id,
    username: doc.username,
    email: doc.email,
    passwordHash: doc.password_hash,
    roles: doc.roles,
    status,
    nickname: doc.nickname ?? null,
    avatar: doc.avatar ?? null,
    bio: doc.bio ?? null,
    banReason: status === "active" ? null : (doc.ban_reason ?? null),
    bannedUntil: status === "active" ? null : (doc.banned_until ?? null),
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
    lastLoginAt: doc.last_login_at ?? null,
    mustChangePassword: doc.must_change_password === true,
    emailVerifiedAt: doc.email_verified_at ?? null,
  };
}

/** The Data API reports unique-index violations as E11000 with the index name. */
function duplicateField(error: unknown): "username" | "email" | undefined {
  if (!(error instanceof DataApiError) || !error.message.includes("E11000")) return undefined;
  return error.message.includes("email") ? "email" : "username";
}

export function createMongoDataApiUserStore(options: MongoDataApiOptions): UserStore {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, "");
  const target = { dataSource: options.dataSource, database: options.database, collection: options.collection ?? "users" };

  async function action<T>(name: "findOne" | "find" | "insertOne" | "updateOne" | "deleteOne" | "aggregate", body: Record<string, unknown>): Promise<T> {
    const response = await doFetch(`${base}/action/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", apiKey: options.apiKey },
      body: JSON.stringify({ ...target, ...body }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new DataApiError(response.status, "response is not JSON");
    }
    if (!response.ok) {
      const error = parsed as { error?: string; error_code?: string };
      throw new DataApiError(response.status, error.error ?? response.statusText, error.error_code);
    }
    return parsed as T;
  }

  const findOne = async (filter: Record<string, unknown>) => {
    const { document } = await action<{ document: UserDocument | null }>("findOne", { filter });
    return document ? toRecord(document) : null;
  };

  const countWhere = async (filter: Record<string, unknown>) => {
    const { documents } = await action<{ documents: Array<{ n: number }> }>("aggregate", { pipeline: [{ $match: filter }, { $count: "n" }] });
    return documents[0]?.n ?? 0;
  };

  /**
   * An admin write the Data API cannot guard in one statement: write, then
   * count the active admins, and put the old values back if none is left. Two
   * admins demoting each other at once may then both be refused, but never both
   * succeed.
   */
  async function guardedWrite(id: string, set: Record<string, unknown>, keepsAdmin: boolean, now: number): Promise<AdminWriteResult> {
    const { document: before } = await action<{ document: UserDocument | null }>("findOne", { filter: { _id: id } });
    if (!before) return "not_found";
    await action("updateOne", { filter: { _id: id }, update: { $set: { ...set, updated_at: now } } });
    const wasActiveAdmin = before.roles.includes("admin") && effectiveStatus(before.status, before.banned_until ?? null, now) === "active";
    if (!keepsAdmin && wasActiveAdmin && (await countWhere(activeAdmins(now))) === 0) {
      const restore = Object.fromEntries(Object.keys(set).map((key) => [key, (before as unknown as Record<string, unknown>)[key] ?? null]));
      await action("updateOne", { filter: { _id: id }, update: { $set: { ...restore, updated_at: before.updated_at } } });
      return "last_admin";
    }
    const { document: after } = await action<{ document: UserDocument | null }>("findOne", { filter: { _id: id } });
    return after ? toRecord(after, now) : "not_found";
  }

  return {
    health: {
      name: "user_store",
      kind: "dependency",
      critical: true,
      version: () => "mongodb-data-api-v1",
      health: () => timedProbe(() => action("find", { filter: {}, limit: 1, projection: { _id: 1 } }), options.limits),
    },

    findById: (id) => findOne({ _id: id }),

    async findRolesByIds(ids) {
      const roles = new Map<string, Role[]>();
      if (ids.length === 0) return roles;
      const { documents } = await action<{ documents: Array<Pick<UserDocument, "_id" | "roles">> }>("find", {
        filter: { _id: { $in: ids } },
        projection: { _id: 1, roles: 1 },
        limit: ids.length,
      });
      for (const document of documents) roles.set(document._id, document.roles);
      return roles;
    },

    findByLogin: (login) => findOne(login.includes("@") ? { email: login.toLowerCase() } : { username_lower: usernameKey(login) }),

    async create(user) {
      const document: UserDocument = {
        _id: user.id,
        username: user.username,
        username_lower: usernameKey(user.username),
        email: user.email.toLowerCase(),
        password_hash: user.passwordHash,
        roles: user.roles,
        status: user.status,
        nickname: null,
        avatar: null,
        bio: null,
        created_at: user.createdAt,
        updated_at: user.createdAt,
        last_login_at: null,
        email_verified_at: user.emailVerifiedAt ?? null,
      };
      try {
        await action<{ insertedId: string }>("insertOne", { document });
      } catch (error) {
        const field = duplicateField(error);
        if (field) throw new DuplicateUserError(field);
        throw error;
      }
      return toRecord(document);
    },

    async list(filter, page, now) {
      const query = userQuery(filter, now);
      const [{ documents }, total] = await Promise.all([
        action<{ documents: UserDocument[] }>("find", { filter: query, sort: { created_at: -1, _id: 1 }, skip: page.offset, limit: page.limit }),
        countWhere(query),
      ]);
      return { users: documents.map((doc) => toRecord(doc, now)), total };
    },

    count: (filter, now) => countWhere(userQuery(filter, now)),

    setStatus: (id, change, now) =>
      guardedWrite(id, { status: change.status, ban_reason: change.reason, banned_until: change.until }, change.status === "active", now),

    setRoles: (id, roles, now) => guardedWrite(id, { roles }, roles.includes("admin"), now),

    async updateProfile(id, patch: ProfilePatch, now) {
      const set: Record<string, unknown> = { updated_at: now };
      for (const key of ["nickname", "avatar", "bio"] as const) if (patch[key] !== undefined) set[key] = patch[key];
      const email = patch.email?.toLowerCase();
      if (email !== undefined) set.email = email;
      try {
        // A new address is not proven: the verification goes with the old one (a filter on it, so one atomic update).
        if (email !== undefined) await action("updateOne", { filter: { _id: id, email: { $ne: email } }, update: { $set: { ...set, email_verified_at: null } } });
        await action("updateOne", { filter: { _id: id }, update: { $set: set } });
      } catch (error) {
        if (duplicateField(error)) throw new DuplicateUserError("email");
        throw error;
      }
      return findOne({ _id: id });
    },

    async updatePassword(id, passwordHash, now, mustChange = false) {
      await action("updateOne", { filter: { _id: id }, update: { $set: { password_hash: passwordHash, must_change_password: mustChange, updated_at: now } } });
    },

    async markEmailVerified(id, email, now) {
      const result = await action<{ matchedCount: number }>("updateOne", { filter: { _id: id, email: email.toLowerCase() }, update: { $set: { email_verified_at: now } } });
      return result.matchedCount > 0;
    },

    async recordLogin(id, now) {
      await action("updateOne", { filter: { _id: id }, update: { $set: { last_login_at: now } } });
    },
  };
}
