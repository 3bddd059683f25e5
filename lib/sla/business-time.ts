import { type BusinessCalendar, minutesOf, WEEKDAYS } from "#lib/sla/business-calendar";

/**
 * Business-time arithmetic on a calendar: when a target of N business seconds ends, and how
 * much business time lies between two instants. Pure functions of their inputs (no clock), so
 * SLA deadlines are testable to the second.
 *
 * Wall-clock hours are turned into instants with the platform's time-zone data (Intl), day by
 * day, so each day's hours follow that day's UTC offset across DST changes.
 */

/** Far enough for any SLA target a policy accepts; a calendar cannot stall the loop past it. */
const MAX_DAYS = 3 * 366;
const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The zone's wall clock at `instant`, read as if it were UTC (so differences give the offset). */
const wallClockAsUtc = (instant: number, timeZone: string): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
};

const offsetAt = (instant: number, timeZone: string): number =>
  wallClockAsUtc(instant, timeZone) - Math.floor(instant / 1000) * 1000;

/**
 * The instant at which the zone's clock reads `minutes` past midnight on the given day. The
 * offset is checked again at the result, so a time just after a DST change uses the new offset;
 * a wall time skipped by a spring-forward gap lands just after the gap.
 */
const instantOf = (dayUtc: number, minutes: number, timeZone: string): number => {
  const wall = dayUtc + minutes * MINUTE;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
};

interface OpenInterval {
  readonly start: number;
  readonly end: number;
}

/** The calendar's open intervals from `from` on, in order, clipped to start no earlier than it. */
function* openIntervals(calendar: BusinessCalendar, from: number): Generator<OpenInterval> {
  const local = wallClockAsUtc(from, calendar.timeZone);
  const firstDay = Date.UTC(
    new Date(local).getUTCFullYear(),
    new Date(local).getUTCMonth(),
    new Date(local).getUTCDate(),
  );
  const holidays = new Set(calendar.holidays);
  for (let n = 0; n < MAX_DAYS; n++) {
    const day = firstDay + n * 86_400_000;
    if (holidays.has(new Date(day).toISOString().slice(0, 10))) continue;
    // getUTCDay: 0 is Sunday; WEEKDAYS starts on Monday.
    const weekday = WEEKDAYS[(new Date(day).getUTCDay() + 6) % 7] ?? "mon";
    for (const hours of calendar.weeklyHours[weekday]) {
      const start = instantOf(day, minutesOf(hours.start), calendar.timeZone);
      const end = instantOf(day, minutesOf(hours.end), calendar.timeZone);
      if (end <= from) continue;
      yield { start: Math.max(start, from), end };
    }
  }
  throw new Error(`No business hours within ${MAX_DAYS} days of ${new Date(from).toISOString()}`);
}

/** When `seconds` of business time have passed after `start`. */
export const addBusinessTime = (start: Date, seconds: number, calendar: BusinessCalendar): Date => {
  let remaining = seconds * 1000;
  if (remaining <= 0) return start;
  for (const { start: open, end } of openIntervals(calendar, start.getTime())) {
    if (end - open >= remaining) return new Date(open + remaining);
    remaining -= end - open;
  }
  throw new Error("unreachable: openIntervals ends by throwing");
};

/** The business time, in whole seconds, between `from` and `to` (zero when `to` is not later). */
export const businessSecondsBetween = (
  from: Date,
  to: Date,
  calendar: BusinessCalendar,
): number => {
  const end = to.getTime();
  let total = 0;
  if (end <= from.getTime()) return 0;
  for (const interval of openIntervals(calendar, from.getTime())) {
    if (interval.start >= end) break;
    total += Math.min(interval.end, end) - interval.start;
  }
  return Math.floor(total / 1000);
};
