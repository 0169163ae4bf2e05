import type { Context } from "hono";
import { describeDevice, maskIp } from "../auth/client-info";
import type { ClientInfo } from "../auth/auth-service";

/** The client's IP as Cloudflare reports it; loopback in local dev. */
export function clientIp(c: Context): string {
  return c.req.header("CF-Connecting-IP") ?? "127.0.0.1";
}

/** IP, masked IP and device description of the caller, for sessions and throttles. */
export function clientInfo(c: Context): ClientInfo {
  const ip = clientIp(c);
  return { ip, maskedIp: maskIp(ip), device: describeDevice(c.req.header("User-Agent")) };
}
