/**
 * EventBridge Scheduler's `rate(...)` and `cron(...)` expressions, for the local scheduler.
 * A cron expression has six fields, `minutes hours day-of-month month day-of-week year`, in UTC;
 * day-of-month or day-of-week is `?`. Supported: `*`, `?`, values, ranges `a-b`, lists `a,b`,
 * steps `*\/n` and `a/n`, month names (JAN-DEC) and day names (SUN-SAT, SUN = 1). The `L`, `W`
 * and `#` forms are refused at startup, so that a schedule never silently differs from AWS.
 */
export type ParsedSchedule =
  | { readonly kind: "rate"; readonly intervalMs: number }
  | { readonly kind: "cron"; readonly next: (afterMs: number) => number };

const UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** The first name's number: JAN is 1, SUN is 1. */
  readonly nameBase?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 1, max: 7, names: DAYS, nameBase: 1 },
  { min: 1970, max: 2199 },
];

/** The set of values a field allows; undefined for `?` (the other day field decides). */
const parseField = (text: string, spec: FieldSpec, expression: string): Set<number> | undefined => {
  if (text === "?") return undefined;
  const value = (token: string) => {
    const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    const number = named >= 0 ? named + (spec.nameBase ?? 0) : Number(token);
    if (!Number.isInteger(number) || number < spec.min || number > spec.max) {
      throw new Error(`Unsupported value "${token}" in ${expression}`);
    }
    return number;
  };
  const allowed = new Set<number>();
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : value(stepText);
    const [from, to] =
      range === "*"
        ? [spec.min, spec.max]
        : range.includes("-")
          ? range.split("-").map(value)
          : [value(range), stepText === undefined ? value(range) : spec.max];
    if (from === undefined || to === undefined || from > to) {
      throw new Error(`Unsupported range "${part}" in ${expression}`);
    }
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return allowed;
};

const cronNext = (fields: string, expression: string): ((afterMs: number) => number) => {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`${expression} needs six fields`);
  const [minutes, hours, days, months, weekdays, years] = parts.map((part, index) =>
    parseField(part, FIELDS[index] as FieldSpec, expression),
  );
  if ((days === undefined) === (weekdays === undefined)) {
    throw new Error(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  const matches = (date: Date) =>
    (minutes?.has(date.getUTCMinutes()) ?? true) &&
    (hours?.has(date.getUTCHours()) ?? true) &&
    (days?.has(date.getUTCDate()) ?? true) &&
    (weekdays?.has(date.getUTCDay() + 1) ?? true) &&
    (months?.has(date.getUTCMonth() + 1) ?? true) &&
    (years?.has(date.getUTCFullYear()) ?? true);
  return (afterMs) => {
    // Minute by minute over at most five years: fast enough for a timer set once per run.
    const start = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
    for (let t = start, n = 0; n < 5 * 366 * 24 * 60; t += 60_000, n++) {
      if (matches(new Date(t))) return t;
    }
    throw new Error(`${expression} never fires`);
  };
};

export const parseScheduleExpression = (expression: string): ParsedSchedule => {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate?.[1] && rate[2]) {
    const count = Number(rate[1]);
    const unit = rate[2];
    if (count < 1 || (count === 1) !== !unit.endsWith("s")) {
      throw new Error(`${expression}: use "rate(1 minute)" or "rate(5 minutes)"`);
    }
    return { kind: "rate", intervalMs: count * (UNIT_MS[unit] ?? 0) };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron?.[1]) return { kind: "cron", next: cronNext(cron[1], expression) };
  throw new Error(`Unsupported schedule expression ${expression}`);
};
