import { z } from "@hono/zod-openapi";
import type { SessionInfo } from "../auth/session-store";
import { SessionSchema } from "./auth-schemas";

/** The device kinds the web client's security page draws icons for (`LoginDevice.deviceType`). */
export const DEVICE_TYPES = ["desktop", "mobile", "tablet", "other"] as const;

/**
 * A session as both clients read it: ours (`device`, `lastUsedAt`, `current`)
 * and the web client's `LoginDevice` (src/modules/user/api/security.ts:
 * `deviceName`, `deviceType`, `lastActiveTime`, `isCurrent`) beside them.
 */
export const DeviceSessionSchema = SessionSchema.extend({
  deviceName: z.string().openapi({ description: "Same as `device` (web client name)" }),
  deviceType: z.enum(DEVICE_TYPES).openapi({ description: "From the device description: tablet, mobile, desktop or other" }),
  lastActiveTime: z.string().openapi({ format: "date-time", description: "Same as `lastUsedAt` (web client name)" }),
  isCurrent: z.boolean().openapi({ description: "Same as `current` (web client name)" }),
}).openapi("DeviceSession");

/** A device session in the list. */
export type DeviceSession = z.infer<typeof DeviceSessionSchema>;

/** The device kind from `describeDevice`'s text ("Chrome on Android"); an iPad reports itself as iOS, so it counts as mobile. */
function deviceTypeOf(device: string): DeviceSession["deviceType"] {
  if (/tablet/i.test(device)) return "tablet";
  if (/Android|iOS/.test(device)) return "mobile";
  if (/Windows|macOS|Linux/.test(device)) return "desktop";
  return "other";
}

/** A stored session (epoch ms) as the list shows it (ISO times, both clients' names). */
export function deviceSessionView(session: SessionInfo & { current: boolean }): DeviceSession {
  const createdAt = new Date(session.createdAt).toISOString();
  const lastUsedAt = new Date(session.lastUsedAt).toISOString();
  return {
    id: session.id,
    device: session.device,
    ip: session.ip,
    createdAt,
    lastUsedAt,
    current: session.current,
    deviceName: session.device,
    deviceType: deviceTypeOf(session.device),
    lastActiveTime: lastUsedAt,
    isCurrent: session.current,
  };
}
