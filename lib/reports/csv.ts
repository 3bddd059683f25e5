import { createHash } from "node:crypto";
import { invalidInput } from "#lib/errors/domain-error";
import type { Report, Series } from "#lib/reports/schema";

/**
 * A report as CSV (RFC 4180): a header row, a row per bucket with a column per series, and a
 * last `total` row. Large reports (a year by day, every owner) are paged by rows: a page ends
 * with a `Link: <…&cursor=…>; rel="next"` header while rows remain, like the JSON lists' cursor.
 */
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
export const DEFAULT_CSV_ROWS = 500;

type Cell = string | number | null;

/**
 * A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, return first)
 * gets a leading `'`: a pipeline or team name is user input (OWASP's CSV injection advice).
 */
const defuse = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** One field: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export const csvField = (cell: Cell): string => {
  if (cell === null) return "";
  if (typeof cell === "number") return String(cell);
  const text = defuse(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const csvLine = (cells: readonly Cell[]): string => `${cells.map(csvField).join(",")}\r\n`;

const columnTitle = (series: Series): string => {
  if (series.unit === "money") return `${series.label} [minor units]`;
  if (series.unit === "seconds") return `${series.label} [seconds]`;
  return series.label;
};

/** Every row of the report: the header first, the totals last. */
export const reportRows = (report: Report): Cell[][] => [
  ["bucket", "label", ...report.series.map(columnTitle)],
  ...report.buckets.map((bucket, i) => [
    bucket.key,
    bucket.label,
    ...report.series.map((s) => s.points[i]?.value ?? null),
  ]),
  ["total", "Total", ...report.series.map((s) => report.totals[s.key] ?? null)],
];

const fingerprint = (scope: string) =>
  createHash("sha256").update(scope).digest("base64url").slice(0, 16);

const invalidCursor = () =>
  invalidInput("request.invalid_cursor", "The cursor is malformed or belongs to another report.", [
    { path: "query.cursor", message: "Invalid cursor" },
  ]);

/** The scope a cursor is valid for: the same report over the same range and grouping. */
export const cursorScope = (report: Pick<Report, "report" | "from" | "to" | "groupBy">) =>
  `${report.report}|${report.from}|${report.to}|${report.groupBy}`;

export const encodeCsvCursor = (offset: number, scope: string): string =>
  Buffer.from(JSON.stringify({ o: offset, s: fingerprint(scope) })).toString("base64url");

export const decodeCsvCursor = (cursor: string | undefined, scope: string): number => {
  if (cursor === undefined) return 0;
  try {
    const { o, s } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      o?: unknown;
      s?: unknown;
    };
    if (s === fingerprint(scope) && Number.isInteger(o) && Number(o) > 0) return Number(o);
  } catch {
    // Falls through to the refusal.
  }
  throw invalidCursor();
};

export interface CsvPage {
  readonly text: string;
  /** The cursor of the next page; null on the last one. */
  readonly nextCursor: string | null;
}

/**
 * One page of the report's CSV: the header on every page (each page opens on its own), then up
 * to `limit` data rows from the cursor on.
 */
export const csvPage = (report: Report, limit: number, cursor: string | undefined): CsvPage => {
  const [header = [], ...rows] = reportRows(report);
  const scope = cursorScope(report);
  const offset = decodeCsvCursor(cursor, scope);
  if (offset >= rows.length) throw invalidCursor();
  const end = Math.min(rows.length, offset + limit);
  return {
    text: [header, ...rows.slice(offset, end)].map(csvLine).join(""),
    nextCursor: end < rows.length ? encodeCsvCursor(end, scope) : null,
  };
};

/** The `Link` header of the next page: the same request with the next cursor. */
export const nextPageLink = (
  path: string,
  query: Readonly<Record<string, string | number | undefined>>,
  cursor: string,
): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && name !== "cursor") params.set(name, String(value));
  }
  params.set("format", "csv");
  params.set("cursor", cursor);
  return `<${path}?${params.toString()}>; rel="next"`;
};
