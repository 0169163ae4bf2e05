/**
 * The account notices and their words, in one place: the email a notice
 * becomes (messages.ts) and its entry in the notification inbox (the
 * QuotaCounter's view) say the same thing.
 */

export const NOTICE_EVENTS = ["recharge_credited", "withdrawal_approved", "withdrawal_rejected", "wallet_frozen", "password_changed", "email_changed", "auto_topup_failed"] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

/** Event details shown in the text (amounts in fen, a rejection reason). */
export type NoticeDetails = Record<string, string | number>;

const NOTICE_TEXT: Record<NoticeEvent, (details: NoticeDetails) => { subject: string; text: string }> = {
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
  email_changed: (d) => ({
    subject: "Your email address was changed",
    text: `The email address of your Qingyu account was changed${d.newEmail ? ` to ${d.newEmail}` : ""}. If this was not you, contact support now.`,
  }),
  auto_topup_failed: (d) => ({
    subject: "Automatic AI quota top-up failed",
    text:
      `Your AI quota reached its ${d.threshold ?? ""} level, but the automatic top-up (package ${d.packageId ?? ""}, ${yuan(d.amountFen)}) ` +
      `was not bought${d.reason ? `: ${d.reason}` : ""}. Nothing was charged. Recharge your wallet, or change the top-up in your quota settings.`,
  }),
};

function yuan(fen: string | number | undefined): string {
  const value = Number(fen ?? 0);
  return `¥${(value / 100).toFixed(2)}`;
}

/** A notice's subject (the inbox title) and text (the inbox message). */
export function noticeText(event: NoticeEvent, details: NoticeDetails): { subject: string; text: string } {
  return NOTICE_TEXT[event](details);
}

/** An address as a notice shows it to someone who may not own it: `r***@example.com`. */
export function maskedAddress(email: string): string {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "***" : `${email[0]}***${email.slice(at)}`;
}
