/**
 * Account notices as queue messages: the event id is the message id, so each event is delivered once. The
 * consumer puts every notice in the user's notification inbox and emails it where `to` is set.
 */
import type { AccountNoticeMessage, NoticeEvent } from "../messaging/messages";
import type { MessagingService } from "../messaging/service";

type NoticeFields = { eventId?: string; event: NoticeEvent; userId: string; to: string | null; details?: Record<string, string | number> };

/** The queue message for a notice; its id is the event id (a new one when the event has none). */
export function noticeMessage(notice: NoticeFields): AccountNoticeMessage {
  return {
    id: notice.eventId ?? crypto.randomUUID(),
    kind: "account_notice",
    event: notice.event,
    userId: notice.userId,
    to: notice.to,
    details: notice.details ?? {},
    createdAt: Date.now(),
  };
}

/**
 * Enqueues one notice and resolves once the queue holds it. Callers await it
 * before answering, so an acknowledged change always has its notice queued.
 */
export async function enqueueNotice(messaging: MessagingService, notice: NoticeFields): Promise<AccountNoticeMessage> {
  const message = noticeMessage(notice);
  await messaging.enqueue(message);
  return message;
}

/** Where a notice may be emailed: the account's address once a code proved it, else nowhere (the inbox still gets it). */
export function noticeAddress(user: { email: string; emailVerifiedAt: number | null } | null): string | null {
  return user?.emailVerifiedAt ? user.email : null;
}

/**
 * A wallet or account event for a user, looked up by id for the address. The event id must be stable for
 * the event (`withdrawal_approved:<id>`), so a repeated call (a provider's retried callback) is still one notice.
 */
export async function notifyUser(
  services: { messaging: MessagingService; users: { findById(id: string): Promise<{ email: string; emailVerifiedAt: number | null } | null> } },
  notice: { eventId?: string; event: NoticeEvent; userId: string; details?: Record<string, string | number> },
): Promise<void> {
  const user = await services.users.findById(notice.userId);
  await enqueueNotice(services.messaging, { ...notice, to: noticeAddress(user) });
}
