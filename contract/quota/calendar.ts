/**
 * Calendar boundaries in an IANA time zone (daily: local midnight; monthly:
 * local midnight on the 1st), computed with Intl because Workers have no
 * time-zone library and offsets change with daylight saving.
 */
import type { QuotaType } from "./inputs";

type LocalDate = { year: number; month: number; day: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function localParts(epochMs: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(epochMs)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Local wall-clock minus UTC at `epochMs`, in ms (e.g. +8 h for Asia/Shanghai). */
function offsetMs(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * The instant of local midnight starting `date` (month/day may overflow, as Date.UTC allows).
 * Two passes because the offset at the guess may differ from the offset at the answer
 * when daylight saving changes that day.
 */
function localMidnight(date: LocalDate, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  return second;
}

/** Start of the period containing `now`: local midnight today, or on the 1st of this month. */
export function periodStart(quotaType: QuotaType, now: number, timeZone: string): number {
  if (quotaType === "total") return now;
  const today = localParts(now, timeZone);
  return localMidnight({ year: today.year, month: today.month, day: quotaType === "daily" ? today.day : 1 }, timeZone);
}

/** The next boundary after `now` (when the quota resets), or null for `total`, which never resets. */
export function nextBoundary(quotaType: QuotaType, now: number, timeZone: string): number | null {
  if (quotaType === "total") return null;
  const today = localParts(now, timeZone);
  const next =
    quotaType === "daily"
      ? { year: today.year, month: today.month, day: today.day + 1 }
      : { year: today.year, month: today.month + 1, day: 1 };
  return localMidnight(next, timeZone);
}
