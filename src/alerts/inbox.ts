import { z } from "@hono/zod-openapi";
import type { Redis } from "@upstash/redis/cloudflare";

/** One alert as Alertmanager's webhook (payload version 4) sends it. */
export const AlertmanagerAlertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: z.record(z.string(), z.string().max(1024)),
  annotations: z.record(z.string(), z.string().max(4096)).default({}),
  startsAt: z.string().max(64),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(2048).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,32}$/, "must be Alertmanager's hex fingerprint"),
});

/** Alertmanager's webhook body (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const AlertmanagerWebhookSchema = z
  .object({
    version: z.string().max(8),
    status: z.enum(["firing", "resolved"]),
    receiver: z.string().max(256),
    groupKey: z.string().max(4096),
    alerts: z.array(AlertmanagerAlertSchema).min(1).max(1000),
  })
  .openapi("AlertmanagerWebhook");

/** An alert as the inbox keeps it: the latest state per fingerprint. */
export const StoredAlertSchema = z
  .object({
    fingerprint: z.string(),
    alertname: z.string(),
    severity: z.string(),
    status: z.enum(["firing", "resolved"]),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    receivedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("StoredAlert");

export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhookSchema>;
export type StoredAlert = z.infer<typeof StoredAlertSchema>;

const BY_FINGERPRINT = "alerts:by-fingerprint";
const RECENT = "alerts:recent";

/**
 * The admin alert inbox in Redis: a hash of the latest state per alert
 * fingerprint and a sorted set by last update, capped at `maxAlerts` (oldest
 * dropped), so repeated notifications of one alert update it rather than pile up.
 */
export class AlertInbox {
  readonly #redis: Redis;
  readonly #maxAlerts: number;

  constructor(redis: Redis, maxAlerts: number) {
    this.#redis = redis;
    this.#maxAlerts = maxAlerts;
  }

  /** Stores every alert of one webhook call; returns how many. */
  async record(payload: AlertmanagerWebhook, receivedAt: number): Promise<number> {
    const transaction = this.#redis.multi();
    for (const alert of payload.alerts) {
      const stored: StoredAlert = {
        fingerprint: alert.fingerprint,
        alertname: alert.labels.alertname ?? "unnamed",
        severity: alert.labels.severity ?? "none",
        status: alert.status,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        // Alertmanager sends the zero time for alerts that have not ended.
        endsAt: alert.endsAt && !alert.endsAt.startsWith("0001-") ? alert.endsAt : null,
        receivedAt: new Date(receivedAt).toISOString(),
      };
      transaction.hset(BY_FINGERPRINT, { [alert.fingerprint]: JSON.stringify(stored) });
      transaction.zadd(RECENT, { score: receivedAt, member: alert.fingerprint });
    }
    await transaction.exec();
    await this.#trim();
    return payload.alerts.length;
  }

  /** The newest alerts first, optionally only firing or resolved ones, one page at a time. */
  async list(filter: { status?: "firing" | "resolved"; offset: number; limit: number }): Promise<{ alerts: StoredAlert[]; total: number }> {
    const fingerprints = await this.#redis.zrange<string[]>(RECENT, 0, -1, { rev: true });
    if (fingerprints.length === 0) return { alerts: [], total: 0 };
    const values = await this.#redis.hmget<Record<string, unknown>>(BY_FINGERPRINT, ...fingerprints);
    const alerts: StoredAlert[] = [];
    for (const fingerprint of fingerprints) {
      const parsed = StoredAlertSchema.safeParse(typeof values?.[fingerprint] === "string" ? JSON.parse(values[fingerprint] as string) : values?.[fingerprint]);
      if (parsed.success && (!filter.status || parsed.data.status === filter.status)) alerts.push(parsed.data);
    }
    return { alerts: alerts.slice(filter.offset, filter.offset + filter.limit), total: alerts.length };
  }

  async #trim(): Promise<void> {
    const count = await this.#redis.zcard(RECENT);
    if (count <= this.#maxAlerts) return;
    const oldest = await this.#redis.zrange<string[]>(RECENT, 0, count - this.#maxAlerts - 1);
    if (oldest.length === 0) return;
    const transaction = this.#redis.multi();
    transaction.zrem(RECENT, ...oldest);
    transaction.hdel(BY_FINGERPRINT, ...oldest);
    await transaction.exec();
  }
}
