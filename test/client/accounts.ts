/** Accounts made the way the web client makes them (src/stores/auth.ts → src/modules/shared/api/auth.ts). */
import { asObject, httpService, type JsonObject } from "./qingyu-http.ts";

let counter = 0;
const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/** A fresh username under the register rules; `prefix` may be any letters (Chinese included). */
export function clientUsername(prefix = "读者"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.floor(Math.random() * 1000)}`.slice(0, 32);
}

/** What a logged-in client holds after `register`/`login` (the unwrapped LoginResponse). */
export interface ClientSession {
  username: string;
  password: string;
  token: string;
  refreshToken: string;
  user: JsonObject;
  response: JsonObject;
}

/**
 * `sharedAuthAPI.register(data)`: POST /user/auth/register with RegisterData
 * (src/types/auth.ts) plus what the registration form adds (`emailCode`,
 * `confirmPassword`), from its own client IP so per-IP limits stay apart.
 */
export async function registerThroughClient(extra: Record<string, unknown> = {}): Promise<ClientSession> {
  const username = clientUsername();
  const password = "reading2024";
  const response = asObject(
    await httpService("POST", "/user/auth/register", {
      data: { username, email: `c${Date.now()}${counter}@example.com`, password, confirmPassword: password, ...extra },
      headers: { "CF-Connecting-IP": randomIp() },
    }),
  );
  return { username, password, token: String(response.token), refreshToken: String(response.refreshToken), user: asObject(response.user ?? null), response };
}
