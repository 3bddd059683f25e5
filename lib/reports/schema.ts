import * as z from "zod/mini";
import { GRANULARITIES } from "#lib/analytics/buckets";

/**
 * Reports: chart-ready series computed from the rollup items only (`lib/analytics`), over a date
 * range, grouped by time (day, week, month) or by a dimension (owner, team, pipeline, source).
 */
export const REPORTS = [
  "pipeline",
  "funnel",
  "revenue",
  "activities",
  "support",
  "sla",
  "satisfaction",
  "leaderboard",
] as const;
export type ReportName = (typeof REPORTS)[number];

export const TIME_GROUPINGS = ["day", "week", "month"] as const;
export const DIMENSION_GROUPINGS = ["owner", "team", "pipeline", "source"] as const;
export const GROUP_BYS = [...TIME_GROUPINGS, ...DIMENSION_GROUPINGS] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export type TimeGrouping = (typeof TIME_GROUPINGS)[number];
export type DimensionGrouping = (typeof DIMENSION_GROUPINGS)[number];

export const isTimeGrouping = (groupBy: GroupBy): groupBy is TimeGrouping =>
  (TIME_GROUPINGS as readonly string[]).includes(groupBy);

/** What a series' values are, so that a chart can pick an axis and a format. */
export const UNITS = ["count", "money", "ratio", "seconds", "rating"] as const;
export type Unit = (typeof UNITS)[number];

export const FORMATS = ["json", "csv"] as const;
export const MAX_CSV_ROWS = 1000;

export const reportParams = z.strictObject({ report: z.enum(REPORTS) });

export const reportQuery = z
  .strictObject({
    /** First day of the range, UTC (`2026-03-01`). */
    from: z.iso.date(),
    /** Last day of the range, included. */
    to: z.iso.date(),
    /** Each report has a default and accepts some groupings only; see docs/analytics.md. */
    groupBy: z.optional(z.enum(GROUP_BYS)),
    /** `csv` (or `Accept: text/csv`): the report as CSV, a row per bucket, paged by `cursor`. */
    format: z.optional(z.enum(FORMATS)),
    /** CSV rows per page. */
    limit: z.optional(
      z.pipe(
        z.string().check(z.regex(/^\d{1,4}$/, "limit must be a whole number")),
        z.pipe(z.transform(Number), z.int().check(z.minimum(1), z.maximum(MAX_CSV_ROWS))),
      ),
    ),
    /** The next CSV page: from the `Link` header of the previous one. */
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  })
  .check(z.refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] }));

const point = z.object({
  /** A bucket's key (`2026-03-02`, `2026-W10`, `2026-03`, or an owner, team, pipeline, source). */
  bucket: z.string(),
  /** Null where there is nothing to say (a rate without a denominator, no snapshot taken). */
  value: z.nullable(z.number()),
});

export const seriesSchema = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.enum(UNITS),
  /** For money: the ISO-4217 currency; values are in minor units (cents). */
  currency: z.optional(z.string()),
  points: z.array(point),
});

export const bucketSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** For time buckets: the first and last day. */
  from: z.optional(z.string()),
  to: z.optional(z.string()),
});

export const reportSchema = z.object({
  report: z.enum(REPORTS),
  /** The range the figures cover: widened to whole weeks or months when grouped by them. */
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(GROUP_BYS),
  /** The rollup granularity read. */
  granularity: z.enum(GRANULARITIES),
  /** When the scheduled rollup last ran: weekly, monthly and derived figures are as of then. */
  asOf: z.nullable(z.string()),
  /** Currencies of the money series; amounts are never converted or added across currencies. */
  currencies: z.array(z.string()),
  /** The x-axis, in order. */
  buckets: z.array(bucketSchema),
  series: z.array(seriesSchema),
  /** Each series over the whole range (rates from the summed counts, not averaged). */
  totals: z.record(z.string(), z.nullable(z.number())),
});

export type ReportQuery = z.output<typeof reportQuery>;
export type Report = z.infer<typeof reportSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type Bucket = z.infer<typeof bucketSchema>;
