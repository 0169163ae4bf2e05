/** Creating real users through the running stack's public API. */
import { call, type Envelope } from "./http.ts";

export interface TokenPair {
  token: string;
  refreshToken: string;
  user: { id: string; username: string; roles: string[] };
  roles: string[];
}

let counter = 0;
const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/** A fresh username valid under the register rules. */
export function uniqueUsername(prefix = "e2e"): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}_${Math.floor(Math.random() * 1e5)}`.slice(0, 32);
}

/** Registers a user (from its own IP so per-IP limits do not interfere) and returns its tokens. */
export async function registerUser(base?: string, password = "reading2024"): Promise<{ username: string; password: string; pair: TokenPair }> {
  const username = uniqueUsername();
  const response = await call("/api/v1/shared/auth/register", { method: "POST", base, json: { username, email: `${username}@example.com`, password }, headers: { "CF-Connecting-IP": randomIp() } });
  const body = (await response.json()) as Envelope<TokenPair>;
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${JSON.stringify(body)}`);
  return { username, password, pair: body.data };
}

/** Logs in and returns the tokens. */
export async function login(username: string, password: string, base?: string): Promise<TokenPair> {
  const response = await call("/api/v1/shared/auth/login", { method: "POST", base, json: { username, password }, headers: { "CF-Connecting-IP": randomIp() } });
  const body = (await response.json()) as Envelope<TokenPair>;
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
  return body.data;
}
