/**
 * Calendar buckets of the rollups, all in UTC: a day `2026-03-02`, an ISO week `2026-W10`
 * (weeks start on Monday; the week-year is the year of the week's Thursday, so 2024-12-30 is in
 * `2025-W01`) and a month `2026-03`. Each format has a fixed width and sorts in time order, so a
 * range of buckets is a range of sort keys.
 */
export const GRANULARITIES = ["day", "week", "month"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const toDate = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const fromDate = (date: Date): string => date.toISOString().slice(0, 10);

/** Whether `value` is a real calendar day written `YYYY-MM-DD` (not 2026-02-30). */
export const isDay = (value: string): boolean =>
  DAY_PATTERN.test(value) &&
  !Number.isNaN(toDate(value).getTime()) &&
  fromDate(toDate(value)) === value;

/** The UTC day of an ISO-8601 time (or of a day, unchanged). */
export const dayOf = (iso: string): string => {
  if (isDay(iso)) return iso;
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) throw new Error(`Not an ISO-8601 time: ${iso}`);
  return fromDate(time);
};

export const addDays = (day: string, days: number): string =>
  fromDate(new Date(toDate(day).getTime() + days * DAY_MS));

/** Days from `from` to `to`, both included (1 for a single day). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS) + 1;

/** 1 = Monday … 7 = Sunday. */
const isoWeekday = (day: string): number => {
  const weekday = toDate(day).getUTCDay();
  return weekday === 0 ? 7 : weekday;
};

/** The Monday of the day's ISO week. */
export const weekStart = (day: string): string => addDays(day, 1 - isoWeekday(day));

/** `2026-W10`: the ISO week-year (that of the week's Thursday) and week number. */
export const isoWeekOf = (day: string): string => {
  const thursday = addDays(weekStart(day), 3);
  const year = Number(thursday.slice(0, 4));
  const firstThursday = addDays(weekStart(`${year}-01-04`), 3);
  const week = (toDate(thursday).getTime() - toDate(firstThursday).getTime()) / (7 * DAY_MS) + 1;
  return `${year}-W${pad(week)}`;
};

export const monthOf = (day: string): string => day.slice(0, 7);

export const bucketOf = (granularity: Granularity, day: string): string =>
  granularity === "day" ? day : granularity === "week" ? isoWeekOf(day) : monthOf(day);

/** The first and last day of a bucket. */
export const daysOfBucket = (
  granularity: Granularity,
  bucket: string,
): { readonly first: string; readonly last: string } => {
  if (granularity === "day") return { first: bucket, last: bucket };
  if (granularity === "week") {
    const [year, week] = bucket.split("-W").map(Number);
    // Week 1 is the week with 4 January in it.
    const first = addDays(weekStart(`${year}-01-04`), ((week ?? 1) - 1) * 7);
    return { first, last: addDays(first, 6) };
  }
  const first = `${bucket}-01`;
  const next = toDate(first);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { first, last: addDays(fromDate(next), -1) };
};

/** Every bucket that holds a day of the range, in order. */
export const bucketsBetween = (granularity: Granularity, from: string, to: string): string[] => {
  const buckets: string[] = [];
  for (let day = from; day <= to; ) {
    const bucket = bucketOf(granularity, day);
    buckets.push(bucket);
    day = addDays(daysOfBucket(granularity, bucket).last, 1);
  }
  return buckets;
};

/** The range widened to whole buckets: a week report from a Wednesday starts on the Monday. */
export const widenToBuckets = (
  granularity: Granularity,
  from: string,
  to: string,
): { readonly from: string; readonly to: string } => ({
  from: daysOfBucket(granularity, bucketOf(granularity, from)).first,
  to: daysOfBucket(granularity, bucketOf(granularity, to)).last,
});

/**
 * The coarsest granularity whose buckets cover the range exactly (no day outside it): whole
 * months read months, whole weeks read weeks, anything else reads days.
 */
export const tilingGranularity = (from: string, to: string): Granularity => {
  const fits = (granularity: Granularity) => {
    const widened = widenToBuckets(granularity, from, to);
    return widened.from === from && widened.to === to;
  };
  return fits("month") ? "month" : fits("week") ? "week" : "day";
};

/** The buckets of every granularity a day belongs to. */
export const bucketsOfDay = (day: string): Readonly<Record<Granularity, string>> => ({
  day,
  week: isoWeekOf(day),
  month: monthOf(day),
});
