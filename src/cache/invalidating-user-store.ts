import type { UserStore } from "../users/user-store";
import type { Cache } from "./cache";
import { cacheTags } from "./keys";

/**
 * The user store with every write followed by dropping the cached views of
 * that account (tag `user:<id>`). Wrapping the store, rather than each route,
 * means no writer can forget: profile updates, password changes (the auth
 * service), logins (last login time) and admin status and role changes all
 * invalidate. Reads pass through untouched: login and refresh must see the
 * account as stored.
 *
 * @example const users = invalidatingUserStore(createUserStore(env, config, limits), () => services.cache);
 */
export function invalidatingUserStore(store: UserStore, cache: () => Cache): UserStore {
  const drop = (id: string) => cache().invalidateTags(cacheTags.user(id));
  return {
    ...store,
    async updateProfile(id, patch, now) {
      const user = await store.updateProfile(id, patch, now);
      await drop(id);
      return user;
    },
    async updatePassword(id, passwordHash, now, mustChange, notice) {
      await store.updatePassword(id, passwordHash, now, mustChange, notice);
      await drop(id);
    },
    async markEmailVerified(id, email, now) {
      const marked = await store.markEmailVerified(id, email, now);
      await drop(id);
      return marked;
    },
    async recordLogin(id, now) {
      await store.recordLogin(id, now);
      await drop(id);
    },
    async setStatus(id, change, now) {
      const result = await store.setStatus(id, change, now);
      if (typeof result === "object") await drop(id);
      return result;
    },
    async setRoles(id, roles, now) {
      const result = await store.setRoles(id, roles, now);
      if (typeof result === "object") await drop(id);
      return result;
    },
  };
}
