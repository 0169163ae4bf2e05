/**
 * The plan role of a user addressed by id, for the internal and admin quota
 * routes (no user token carries the roles there), cached per isolate.
 *
 * Bound: a role is used at most `ROLE_MAX_AGE_MS` (30 s) after the start of
 * the read that returned it, so an admin's role change reaches the quota plan
 * within 30 s.
 *
 * Cost: a D1 read on the request path cost about 1.6–2.1 ms in workerd
 * (2026-11-27), and with 1,000 users round-robin one consume in nine paid it.
 * So a request that finds its user's role older than `ROLE_REFRESH_AFTER_MS`
 * still uses it (it is within the bound) and queues the user; queued users are
 * read together in the background, one query per 100 users, at most every
 * `ROLE_REFRESH_BATCH_MS` (33 users in one query: about 1.3 ms). Only a user not
 * seen for 30 s, or never, waits for D1.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import type { QuotaRole } from "../../contract/quota/inputs";

/** Highest plan first: a user with several roles gets the most generous one. */
const ROLE_PRECEDENCE: readonly QuotaRole[] = ["master", "admin", "signed_writer", "writer", "vip_reader", "reader"];

/** The role whose plan applies to a user with these roles. */
export function planRole(roles: readonly string[]): QuotaRole {
  return ROLE_PRECEDENCE.find((role) => roles.includes(role)) ?? "reader";
}

/** The documented bound: how long a role read from D1 may be used. */
export const ROLE_MAX_AGE_MS = 30_000;
/** Past this age a use also queues a background re-read; the 10 s to the bound leave room for a slow D1. */
export const ROLE_REFRESH_AFTER_MS = 20_000;
/** How long queued users gather before their one read. */
export const ROLE_REFRESH_BATCH_MS = 1_000;
const MAX_CACHED_USERS = 10_000;

type Entry = { role: QuotaRole; readAt: number };
const cache = new Map<string, Entry>();
const queued = new Set<string>();
let refreshScheduled = false;

/** Keeps the newest read: a background refresh and a request-path read may overlap. */
function remember(userId: string, role: QuotaRole, readAt: number): void {
  const current = cache.get(userId);
  if (current && current.readAt > readAt) return;
  if (!current && cache.size >= MAX_CACHED_USERS) cache.clear();
  cache.set(userId, { role, readAt });
}

async function refreshQueued(c: Context<AppEnv>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ROLE_REFRESH_BATCH_MS));
  const ids = [...queued];
  queued.clear();
  refreshScheduled = false;
  const readAt = Date.now();
  const roles = await c.get("services").users.findRolesByIds(ids);
  for (const id of ids) {
    const found = roles.get(id);
    // A deleted account: forget it, so its next request reads D1 and answers 404.
    if (found) remember(id, planRole(found), readAt);
    else if ((cache.get(id)?.readAt ?? Infinity) <= readAt) cache.delete(id);
  }
}

function queueRefresh(c: Context<AppEnv>, userId: string): void {
  queued.add(userId);
  if (refreshScheduled) return;
  refreshScheduled = true;
  // A failed refresh leaves the entries to expire at the bound; the next use then reads D1 on the request path.
  const work = refreshQueued(c).catch((error: unknown) => {
    refreshScheduled = false;
    c.get("logger").warn("plan role refresh failed", { error: String(error) });
  });
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (app.request in tests): the refresh still runs, unawaited.
  }
}

/**
 * The plan role of `userId` (see the module comment for the bound and the
 * cost); unknown users → 404.
 *
 * @example const policy = await policyFor(c, await planRoleOfUser(c, userId));
 */
export async function planRoleOfUser(c: Context<AppEnv>, userId: string): Promise<QuotaRole> {
  const now = Date.now();
  const cached = cache.get(userId);
  if (cached && now - cached.readAt < ROLE_MAX_AGE_MS) {
    if (now - cached.readAt >= ROLE_REFRESH_AFTER_MS) queueRefresh(c, userId);
    return cached.role;
  }
  const readAt = Date.now();
  const user = await c.get("services").users.findById(userId);
  if (!user) {
    cache.delete(userId);
    throw new ApiError("NOT_FOUND", "no such user");
  }
  const role = planRole(user.roles);
  remember(userId, role, readAt);
  return role;
}
