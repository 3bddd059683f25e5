/**
 * Forecast periods: a calendar quarter (`2026-Q4`) or a month (`2026-11`), in UTC. The forecast
 * keeps its counters by month, so a period is the months it covers.
 */
const PERIOD_PATTERN = /^(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))$/;

export interface Period {
  /** As asked: `2026-Q4` or `2026-11`. */
  readonly label: string;
  /** First and last day, inclusive: `2026-10-01`, `2026-12-31`. */
  readonly from: string;
  readonly to: string;
  /** `2026-10`, `2026-11`, `2026-12`. */
  readonly months: readonly string[];
}

const pad = (n: number) => String(n).padStart(2, "0");

const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The period a label names, or undefined when it names none. */
export const parsePeriod = (label: string): Period | undefined => {
  const match = PERIOD_PATTERN.exec(label);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1970) return undefined;
  const first = match[2] === undefined ? Number(match[3]) : (Number(match[2]) - 1) * 3 + 1;
  const count = match[2] === undefined ? 1 : 3;
  const months = Array.from({ length: count }, (_, i) => `${year}-${pad(first + i)}`);
  const last = first + count - 1;
  return {
    label,
    from: `${year}-${pad(first)}-01`,
    to: `${year}-${pad(last)}-${pad(lastDayOf(year, last))}`,
    months,
  };
};

/**
 * The month a deal counts in: an open deal in the month it is expected to close; a won or lost
 * deal in the month it closed (UTC), which is when it was booked or lost, whatever was expected.
 */
export const forecastMonthOf = (deal: {
  readonly status: "open" | "won" | "lost";
  readonly expectedCloseDate: string;
  readonly closedAt?: string | undefined;
}): string =>
  (deal.status !== "open" && deal.closedAt ? deal.closedAt : deal.expectedCloseDate).slice(0, 7);
