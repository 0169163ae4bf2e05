/** Inbox rows → the views the notification routes answer with, for either kind of row. */
import { noticeText, type NoticeDetails } from "../../contract/messaging/notice-text";
import type { AccountNoticeNotification, InboxNotification } from "../../contract/quota/views";
import { quotaNotificationView } from "./events";
import { iso, isoOrNull, type AccountNoticeRow, type NotificationRow } from "./rows";

/** An account-notice row → view, titled and worded as its email. */
export function accountNoticeView(row: AccountNoticeRow, userId: string): AccountNoticeNotification {
  const details = row.details ? (JSON.parse(row.details) as NoticeDetails) : {};
  const { subject, text } = noticeText(row.kind, details);
  return {
    id: row.id,
    kind: row.kind,
    userId,
    eventId: row.event_id,
    details,
    createdAt: iso(row.created_at),
    title: subject,
    message: text,
    readAt: isoOrNull(row.read_at),
  };
}

/** Any inbox row → its view. */
export function notificationView(row: NotificationRow, userId: string): InboxNotification {
  return row.kind === "quota_level" ? quotaNotificationView(row, userId) : accountNoticeView(row, userId);
}
