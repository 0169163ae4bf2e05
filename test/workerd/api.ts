/**
 * Helpers for tests inside workerd: call the real Worker, create real users
 * through the public API, and forge tokens for attack tests. Imported by tests only.
 */
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";

/** The envelope, loosely typed for assertions. */
export interface Envelope<T = Record<string, unknown>> {
  code: number;
  message: string;
  data: T;
  timestamp: number;
  request_id: string;
}

export interface TokenPairData {
  token: string;
  refreshToken: string;
  expires_in: number;
  user: { id: string; user_id: string; username: string; email: string; roles: string[]; status: string };
  user_id: string;
  roles: string[];
  mustChangePassword: boolean;
}

/** A random client IP, so per-IP throttles of one test never touch another's. */
export const randomIp = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/** Calls the Worker's default export with an optional JSON body and bearer token. */
export function api(
  path: string,
  init: { method?: string; json?: unknown; token?: string; headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.json !== undefined) headers["content-type"] = "application/json";
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  return exports.default.fetch(
    new Request(`https://api.test${path}`, {
      method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    }),
  );
}

/** Reads an envelope and checks the status on the way. */
export async function envelope<T = Record<string, unknown>>(response: Response, status?: number): Promise<Envelope<T>> {
  const text = await response.text();
  if (status !== undefined && response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as Envelope<T>;
}

let counter = 0;

/** A fresh username valid under the register rules. */
export function uniqueUsername(prefix = "u"): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}_${counter}_${Math.floor(Math.random() * 1e6)}`.slice(0, 32);
}

/** Registers a new user through the API (from its own IP) and returns the credentials and tokens. */
export async function registerUser(overrides: { username?: string; password?: string; ip?: string; userAgent?: string } = {}) {
  const username = overrides.username ?? uniqueUsername();
  const password = overrides.password ?? "reading2024";
  const ip = overrides.ip ?? randomIp();
  const response = await api("/api/v1/shared/auth/register", {
    json: { username, email: `${username.toLowerCase()}@example.com`, password },
    headers: {
      "CF-Connecting-IP": ip,
      "User-Agent": overrides.userAgent ?? "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    },
  });
  const body = await envelope<TokenPairData>(response, 201);
  return { username, password, ip, pair: body.data };
}

/** Logs in (from `ip`) and returns the token pair. */
export async function login(username: string, password: string, ip = randomIp(), userAgent = "QingyuApp/3.2 (Android 14)") {
  const response = await api("/api/v1/shared/auth/login", { json: { username, password }, headers: { "CF-Connecting-IP": ip, "User-Agent": userAgent } });
  return (await envelope<TokenPairData>(response, 200)).data;
}

/** The test Worker's JWT keys (vitest.workers.config.ts), by kid. */
export function testKey(kid: "test-new" | "test-old"): Uint8Array {
  const entry = env.JWT_KEYS.split(",").find((pair) => pair.startsWith(`${kid}:`));
  if (!entry) throw new Error(`no test key ${kid}`);
  return new TextEncoder().encode(entry.slice(kid.length + 1));
}

/** Signs arbitrary claims for attack tests; defaults make a token the API would accept. */
export async function forgeToken(
  claims: Record<string, unknown>,
  options: { kid?: string; key?: Uint8Array; alg?: "HS256" | "HS384" | "HS512"; issuer?: string; audience?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    token_type: "access",
    roles: ["reader"],
    sid: crypto.randomUUID(),
    jti: crypto.randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 600,
    ...claims,
  })
    .setProtectedHeader({ alg: options.alg ?? "HS256", kid: options.kid ?? "test-new", typ: "JWT" })
    .setIssuer(options.issuer ?? "qingyu-edge")
    .setAudience(options.audience ?? "qingyu-clients")
    .sign(options.key ?? testKey("test-new"));
}

/** A user promoted to admin in D1 (as `npm run user:promote` does), logged in again so the token carries the role. */
export async function registerAdmin() {
  const user = await registerUser();
  await env.DB.prepare(`UPDATE users SET roles = '["reader","admin"]' WHERE username = ?`).bind(user.username).run();
  const pair = await login(user.username, user.password);
  return { ...user, pair };
}
