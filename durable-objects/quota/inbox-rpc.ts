/**
 * The notification inbox's RPC methods, a base of `QuotaCounter` (object.ts) so
 * that class keeps to its quota operations. Inbox calls take no policy and run
 * no unit of work: each is one statement or two over the `notifications` table.
 */
import { DurableObject } from "cloudflare:workers";
import type * as results from "../../contract/quota/results";
import type { QuotaFailure } from "../../contract/quota/results";
import * as inputs from "../../contract/quota/inputs";
import { addAccountNotice } from "./account-notices";
import { listNotifications, markAllNotificationsRead, markNotificationRead, markNotificationsRead } from "./notifications";
import { parseInput } from "./validation";

/** The inbox half of the per-user QuotaCounter. */
export abstract class QuotaInboxRpc extends DurableObject<Env> {
  protected readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  /** An inbox page, newest first. */
  listNotifications(input: inputs.ListNotificationsInput): results.NotificationsPage | QuotaFailure {
    const args = parseInput(inputs.ListNotificationsInputSchema, input);
    if (!args.ok) return args.failure;
    return listNotifications(this.sql, this.userId, args.value.limit, args.value.offset, args.value.unreadOnly, args.value.countByKind);
  }

  /** Puts an account notice in the inbox once per `eventId`; the queue consumer calls it for every delivery. */
  addAccountNotice(input: inputs.AddAccountNoticeInput): results.AddAccountNoticeResult | QuotaFailure {
    const args = parseInput(inputs.AddAccountNoticeInputSchema, input);
    return args.ok ? addAccountNotice(this.sql, this.userId, args.value, Date.now()) : args.failure;
  }

  /** Marks one notification read. */
  markNotificationRead(input: inputs.MarkNotificationReadInput): results.MarkNotificationReadResult | QuotaFailure {
    const args = parseInput(inputs.MarkNotificationReadInputSchema, input);
    return args.ok ? markNotificationRead(this.sql, this.userId, args.value.id, Date.now()) : args.failure;
  }

  /** Marks the listed notifications read (unknown ids are skipped); returns how many changed. */
  markNotificationsRead(input: inputs.MarkNotificationsReadInput): { updated: number } | QuotaFailure {
    const args = parseInput(inputs.MarkNotificationsReadInputSchema, input);
    return args.ok ? markNotificationsRead(this.sql, args.value.ids, Date.now()) : args.failure;
  }

  /** Marks every notification read. */
  markAllNotificationsRead(): { updated: number } {
    return markAllNotificationsRead(this.sql, Date.now());
  }

  /** The user this object belongs to (its name). */
  protected get userId(): string {
    return this.ctx.id.name ?? this.ctx.id.toString();
  }
}
