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
import { rpc } from "../rpc";

/** The inbox half of the per-user QuotaCounter. */
export abstract class QuotaInboxRpc extends DurableObject<Env> {
  protected readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
  }

  /** An inbox page, newest first. */
  listNotifications(input: inputs.ListNotificationsInput): results.NotificationsPage | QuotaFailure {
    return rpc(inputs.ListNotificationsInputSchema, input, (args) =>
      listNotifications(this.sql, this.userId, args.limit, args.offset, args.unreadOnly, args.countByKind),
    );
  }

  /** Puts an account notice in the inbox once per `eventId`; the queue consumer calls it for every delivery. */
  addAccountNotice(input: inputs.AddAccountNoticeInput): results.AddAccountNoticeResult | QuotaFailure {
    return rpc(inputs.AddAccountNoticeInputSchema, input, (args) => addAccountNotice(this.sql, this.userId, args, Date.now()));
  }

  /** Marks one notification read. */
  markNotificationRead(input: inputs.MarkNotificationReadInput): results.MarkNotificationReadResult | QuotaFailure {
    return rpc(inputs.MarkNotificationReadInputSchema, input, (args) => markNotificationRead(this.sql, this.userId, args.id, Date.now()));
  }

  /** Marks the listed notifications read (unknown ids are skipped); returns how many changed. */
  markNotificationsRead(input: inputs.MarkNotificationsReadInput): { updated: number } | QuotaFailure {
    return rpc(inputs.MarkNotificationsReadInputSchema, input, (args) => markNotificationsRead(this.sql, args.ids, Date.now()));
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
