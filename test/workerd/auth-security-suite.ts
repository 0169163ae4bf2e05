/**
 * The shared security suite every authenticated route runs: no token, a
 * malformed header, a forged token, a revoked token and (for role-guarded
 * routes) the wrong role must all be refused with the right code, and nothing
 * may answer 5xx.
 */
import { describe, expect, it } from "vitest";
import { api, envelope, forgeToken, registerUser } from "./api";

export interface ProtectedRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  json?: unknown;
  /** Roles the route requires; a plain reader must then get 403 code 1003. */
  roles?: readonly string[];
}

/** Declares the suite for a list of routes. */
export function describeAuthSecurity(name: string, routes: readonly ProtectedRoute[]): void {
  describe(`${name}: shared auth security suite`, () => {
    for (const route of routes) {
      const label = `${route.method} ${route.path}`;
      const call = (headers: Record<string, string>) => api(route.path, { method: route.method, json: route.json, headers });

      it(`${label}: no token → 401 code 2010`, async () => {
        expect((await envelope(await call({}), 401)).code).toBe(2010);
      });

      it(`${label}: malformed Authorization header → 400 code 2009`, async () => {
        for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token abc"]) {
          expect((await envelope(await call({ Authorization: header }), 400)).code, header).toBe(2009);
        }
      });

      it(`${label}: forged or tampered token → 401 code 2008`, async () => {
        const wrongKey = await forgeToken({ sub: "x", user_id: "x" }, { key: new TextEncoder().encode("an-attacker-key-that-is-long-enough-1234") });
        expect((await envelope(await call({ Authorization: `Bearer ${wrongKey}` }), 401)).code).toBe(2008);
      });

      it(`${label}: revoked token → 401 code 2016`, async () => {
        const { pair } = await registerUser();
        await api("/api/v1/shared/auth/logout", { method: "POST", token: pair.token });
        expect((await envelope(await call({ Authorization: `Bearer ${pair.token}` }), 401)).code).toBe(2016);
      });

      if (route.roles) {
        it(`${label}: wrong role → 403 code 1003`, async () => {
          const { pair } = await registerUser();
          expect((await envelope(await call({ Authorization: `Bearer ${pair.token}` }), 403)).code).toBe(1003);
        });
      }
    }
  });
}
