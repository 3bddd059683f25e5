import {
  bucketOf,
  bucketsBetween,
  daysBetween,
  type Granularity,
  isDay,
  tilingGranularity,
  widenToBuckets,
} from "#lib/analytics/buckets";
import { type FieldError, invalidInput } from "#lib/errors/domain-error";
import { type GroupBy, isTimeGrouping, type ReportName } from "#lib/reports/schema";

/**
 * Turns a report request into what to read: the granularity of the rollup items, the range of
 * buckets, and (when grouped by time) the buckets of the x-axis. A range is refused with a 400
 * beyond these lengths, which keep every report within a bounded number of items per Query.
 */
export const MAX_DAYS: Readonly<Record<"day" | "week" | "month" | "dimension", number>> = {
  /** A year by day, leap day included. */
  day: 366,
  /** About two years by week. */
  week: 731,
  /** Five years by month. */
  month: 1827,
  /** A year by owner, team, pipeline or source. */
  dimension: 366,
};

export interface ReportPlan {
  readonly groupBy: GroupBy;
  readonly granularity: Granularity;
  /** The range covered: widened to whole buckets when grouped by week or month. */
  readonly from: string;
  readonly to: string;
  readonly firstBucket: string;
  readonly lastBucket: string;
  /** The x-axis when grouped by time; undefined when grouped by a dimension. */
  readonly timeBuckets: readonly string[] | undefined;
}

const refuse = (errors: FieldError[]) =>
  invalidInput(
    "report.invalid_range",
    "The report cannot be made for this request; see errors.",
    errors,
  );

export const planReport = (
  report: ReportName,
  allowed: readonly GroupBy[],
  request: { readonly from: string; readonly to: string; readonly groupBy: GroupBy },
): ReportPlan => {
  const { from, to, groupBy } = request;
  const errors: FieldError[] = [];
  if (!isDay(from)) errors.push({ path: "query.from", message: "Not a calendar day" });
  if (!isDay(to)) errors.push({ path: "query.to", message: "Not a calendar day" });
  if (!allowed.includes(groupBy)) {
    errors.push({
      path: "query.groupBy",
      message: `The ${report} report groups by ${allowed.join(", ")}`,
    });
  }
  if (errors.length > 0) throw refuse(errors);

  const granularity = isTimeGrouping(groupBy) ? groupBy : tilingGranularity(from, to);
  const range = isTimeGrouping(groupBy) ? widenToBuckets(groupBy, from, to) : { from, to };
  const limit = MAX_DAYS[isTimeGrouping(groupBy) ? groupBy : "dimension"];
  const days = daysBetween(range.from, range.to);
  if (days > limit) {
    throw refuse([
      {
        path: "query.to",
        message: `Grouped by ${groupBy}, a report covers at most ${limit} days; this range has ${days}`,
      },
    ]);
  }
  return {
    groupBy,
    granularity,
    from: range.from,
    to: range.to,
    firstBucket: bucketOf(granularity, range.from),
    lastBucket: bucketOf(granularity, range.to),
    timeBuckets: isTimeGrouping(groupBy)
      ? bucketsBetween(groupBy, range.from, range.to)
      : undefined,
  };
};
