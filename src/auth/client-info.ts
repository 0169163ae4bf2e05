/**
 * What a session shows about the client: a short device description from the
 * User-Agent and the IP with its last part dropped (enough to recognise a
 * device, not enough to locate a person).
 */

const BROWSERS: Array<[RegExp, string]> = [
  [/QingyuApp\/[\d.]+/i, "Qingyu App"],
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
  [/curl\//, "curl"],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Chrome on macOS", "Qingyu App on Android", or "unknown device". */
export function describeDevice(userAgent: string | undefined): string {
  if (!userAgent) return "unknown device";
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 40).replace(/[^\x20-\x7e]/g, "");
}

/** "203.0.113.*" for IPv4; the first three groups and "*" for IPv6. */
export function maskIp(ip: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.replace(/\.\d{1,3}$/, ".*");
  if (ip.includes(":")) return `${ip.split(":").slice(0, 3).join(":")}:*`;
  return "unknown";
}
