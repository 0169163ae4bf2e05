/**
 * The notification inbox as the queue consumer writes to it: each account
 * notice goes to the user's QuotaCounter, keyed by its message id (the event
 * id), so the retries and redeliveries of one message store it once.
 */
import { quotaClient } from "../../durable-objects/quota/client";
import type { AccountNoticeMessage } from "./messages";

/** Where a delivered notice is kept for the user to read. */
export interface NoticeInbox {
  add(message: AccountNoticeMessage): Promise<void>;
}

/** The inbox in the users' QuotaCounters; a refusal throws (the client's typed error), so the message is retried (and dead-lettered if it keeps failing). */
export function quotaCounterInbox(counters: Env["QUOTA_COUNTER"]): NoticeInbox {
  return {
    async add(message) {
      await quotaClient({ QUOTA_COUNTER: counters }, message.userId).addAccountNotice({
        eventId: message.id,
        kind: message.event,
        details: message.details,
        createdAt: message.createdAt,
      });
    },
  };
}
