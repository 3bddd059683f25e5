import * as z from "zod/mini";

/**
 * A business-hours calendar: a time zone, the opening hours of each weekday, and holidays. SLA
 * clocks count only the time inside these hours (see `business-time.ts`). Hours are wall-clock
 * times in the calendar's zone, so a deadline stays at "09:00 Paris" across a DST change.
 */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clockTime = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "A time is HH:MM, from 00:00 to 24:00"));

const minutesOf = (time: string): number => {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  return hours * 60 + minutes;
};

const interval = z.strictObject({ start: clockTime, end: clockTime }).check(
  z.refine((i) => minutesOf(i.end) > minutesOf(i.start), {
    message: "An interval ends after it starts",
    path: ["end"],
  }),
);

/** A day's intervals, in order and not overlapping (09:00-12:00, 13:00-17:00). */
const dayHours = z.array(interval).check(
  z.maxLength(6),
  z.refine(
    (list) =>
      list.every((i, n) => n === 0 || minutesOf(i.start) >= minutesOf(list[n - 1]?.end ?? "00:00")),
    "A day's intervals must be in order and must not overlap",
  ),
);

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const calendarDate = z.iso.date();

export const businessCalendarSchema = z
  .strictObject({
    timeZone: z.string().check(z.refine(isTimeZone, "Unknown IANA time zone")),
    weeklyHours: z.strictObject({
      mon: z._default(dayHours, []),
      tue: z._default(dayHours, []),
      wed: z._default(dayHours, []),
      thu: z._default(dayHours, []),
      fri: z._default(dayHours, []),
      sat: z._default(dayHours, []),
      sun: z._default(dayHours, []),
    }),
    /** Whole days off, as dates in the calendar's zone. */
    holidays: z._default(z.array(calendarDate).check(z.maxLength(366)), []),
  })
  .check(
    z.refine((c) => WEEKDAYS.some((day) => c.weeklyHours[day].length > 0), {
      message: "A calendar needs opening hours on at least one weekday",
      path: ["weeklyHours"],
    }),
  );

export type BusinessCalendar = z.output<typeof businessCalendarSchema>;

/** Around the clock, every day: what an SLA counts in when a policy names no calendar. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: "UTC",
  weeklyHours: Object.fromEntries(
    WEEKDAYS.map((day) => [day, [{ start: "00:00", end: "24:00" }]]),
  ) as BusinessCalendar["weeklyHours"],
  holidays: [],
};

export { minutesOf };
