/** 24 random hex digits for the ids the wallet mints (recharge orders, withdrawals). */
export function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
