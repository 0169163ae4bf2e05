/**
 * The notification inbox as the queue consumer writes to it: each account
 * notice goes to the user's QuotaCounter, keyed by its message id (the event
 * id), so the retries and redeliveries of one message store it once.
 */
import { isQuotaFailure } from "../../contract/quota/results";
import type { AccountNoticeMessage } from "./messages";

/** Where a delivered notice is kept for the user to read. */
export interface NoticeInbox {
  add(message: AccountNoticeMessage): Promise<void>;
}

/** The inbox in the users' QuotaCounters; a refusal throws, so the message is retried (and dead-lettered if it keeps failing). */
export function quotaCounterInbox(counters: Env["QUOTA_COUNTER"]): NoticeInbox {
  return {
    async add(message) {
      const result = await counters
        .getByName(message.userId)
        .addAccountNotice({ eventId: message.id, kind: message.event, details: message.details, createdAt: message.createdAt });
      if (isQuotaFailure(result)) throw new Error(`the inbox refused notice ${message.id}: ${result.error.message}`);
    },
  };
}
