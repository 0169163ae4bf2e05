/**
 * Live push over WebSockets held with the hibernation API: the object can be
 * evicted between messages while clients stay connected, so nothing here
 * keeps per-socket memory.
 */
import type { QuotaStreamMessage } from "../../contract/quota/results";
import type { QuotaView } from "../../contract/quota/views";
import type { LevelChange } from "./unit-of-work";

/** Tag on every quota stream socket (lets the object hold other sockets later). */
export const STREAM_TAG = "quota-stream";

/** The message sent on connect and on request. */
export function snapshotMessage(quotas: QuotaView[], now: number): string {
  const message: QuotaStreamMessage = { type: "snapshot", quotas, at: new Date(now).toISOString() };
  return JSON.stringify(message);
}

/** One message per event (or one without an event for an upward change). */
export function levelMessages(changes: readonly LevelChange[], now: number): string[] {
  const at = new Date(now).toISOString();
  const messages: QuotaStreamMessage[] = [];
  for (const change of changes) {
    if (change.events.length === 0) {
      messages.push({ type: "level", quota: change.quota, previousLevel: change.previousLevel, event: null, at });
      continue;
    }
    for (const event of change.events) {
      messages.push({ type: "level", quota: change.quota, previousLevel: event.previousLevel, event, at });
    }
  }
  return messages.map((message) => JSON.stringify(message));
}

/** Sends to every socket; a socket that is closing is skipped, not fatal. */
export function broadcast(sockets: readonly WebSocket[], messages: readonly string[]): void {
  for (const socket of sockets) {
    for (const message of messages) {
      try {
        socket.send(message);
      } catch {
        // Closed between getWebSockets() and send(); its close handler cleans up.
      }
    }
  }
}
