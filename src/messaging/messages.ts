/**
 * What goes on the messages queue. Types both the producer (routes, via
 * MessagingService) and the consumer use. Every message carries its own id:
 * the event id, which makes delivery idempotent.
 */
import { noticeText, type NoticeDetails, type NoticeEvent } from "../../contract/messaging/notice-text";

export const MESSAGE_KINDS = ["email_code", "account_notice"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const EMAIL_CODE_PURPOSES = ["register", "reset_password", "change_email"] as const;
export type EmailCodePurpose = (typeof EMAIL_CODE_PURPOSES)[number];

export { NOTICE_EVENTS, type NoticeDetails, type NoticeEvent } from "../../contract/messaging/notice-text";

/** An email code to send. The code travels in the message (it has to reach the mail), never in a log line. */
export interface EmailCodeMessage {
  id: string;
  kind: "email_code";
  to: string;
  purpose: EmailCodePurpose;
  code: string;
  ttlMinutes: number;
  createdAt: number;
}

/** An account or wallet event to tell the user about by email. */
export interface AccountNoticeMessage {
  id: string;
  kind: "account_notice";
  event: NoticeEvent;
  userId: string;
  to: string | null;
  /** Event details shown in the text (amounts in fen, a rejection reason). */
  details: NoticeDetails;
  createdAt: number;
}

export type QueueMessageBody = EmailCodeMessage | AccountNoticeMessage;

/** An email as the senders take it. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

const PURPOSE_WORDS: Record<EmailCodePurpose, string> = {
  register: "complete your registration",
  reset_password: "reset your password",
  change_email: "confirm your new email address",
};

/** The email a message becomes, or undefined when it has no address to go to. */
export function emailFor(message: QueueMessageBody): OutgoingEmail | undefined {
  if (message.kind === "email_code") {
    return {
      to: message.to,
      subject: `Your Qingyu code: ${message.code}`,
      text: `Your code to ${PURPOSE_WORDS[message.purpose]} is ${message.code}. It is valid for ${message.ttlMinutes} minutes. If you did not ask for it, ignore this email.`,
    };
  }
  if (!message.to) return undefined;
  return { to: message.to, ...noticeText(message.event, message.details) };
}
