import { DurableObject } from "cloudflare:workers";
import { DURABLE_OBJECT_CODE_VERSION, type PingReply } from "./ping";

/**
 * Per-user AI quota counters (daily, monthly, total), reservations and threshold events. The quota issue gives it its operations; for now it answers the health ping.
 */
export class QuotaCounter extends DurableObject<Env> {
  /** Health probe: proves the object runs and its SQLite storage answers. */
  async ping(): Promise<PingReply> {
    this.ctx.storage.sql.exec("SELECT 1").one();
    return { ok: true, version: DURABLE_OBJECT_CODE_VERSION };
  }
}
