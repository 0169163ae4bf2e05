/**
 * What goes on the messages queue. Types both the producer (routes, via
 * MessagingService) and the consumer use. Every message carries its own id:
 * the event id, which makes delivery idempotent.
 */

export const MESSAGE_KINDS = ["email_code", "account_notice"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const EMAIL_CODE_PURPOSES = ["register", "reset_password", "change_email"] as const;
export type EmailCodePurpose = (typeof EMAIL_CODE_PURPOSES)[number];

export const NOTICE_EVENTS = ["recharge_credited", "withdrawal_approved", "withdrawal_rejected", "wallet_frozen", "password_changed"] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

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
  details: Record<string, string | number>;
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

const NOTICE_TEXT: Record<NoticeEvent, (details: Record<string, string | number>) => { subject: string; text: string }> = {
  recharge_credited: (d) => ({ subject: "Recharge credited", text: `Your wallet was credited with ${yuan(d.amountFen)}.` }),
  withdrawal_approved: (d) => ({ subject: "Withdrawal approved", text: `Your withdrawal of ${yuan(d.amountFen)} was approved.` }),
  withdrawal_rejected: (d) => ({
    subject: "Withdrawal rejected",
    text: `Your withdrawal of ${yuan(d.amountFen)} was rejected${d.reason ? `: ${d.reason}` : ""}. The money is available in your wallet again.`,
  }),
  wallet_frozen: (d) => ({ subject: "Wallet frozen", text: `Your wallet was frozen${d.reason ? `: ${d.reason}` : ""}. Contact support if you did not expect this.` }),
  password_changed: () => ({
    subject: "Your password was changed",
    text: "The password of your Qingyu account was just changed and every session was signed out. If this was not you, reset your password now.",
  }),
};

function yuan(fen: string | number | undefined): string {
  const value = Number(fen ?? 0);
  return `¥${(value / 100).toFixed(2)}`;
}

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
  return { to: message.to, ...NOTICE_TEXT[message.event](message.details) };
}
