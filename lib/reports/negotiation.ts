import { invalidInput } from "#lib/errors/domain-error";

/**
 * JSON or CSV: `format` when the client names one, else the Accept header. CSV only when Accept
 * asks for `text/csv` at least as much as for JSON (a browser's `*\/*` stays JSON).
 */
const quality = (accept: string, type: string): number => {
  let best = 0;
  for (const part of accept.split(",")) {
    const [range = "", ...parameters] = part.trim().toLowerCase().split(";");
    const matches =
      range === type || range === `${type.split("/")[0]}/*` || (range === "*/*" && type !== "");
    if (!matches) continue;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = q ? Number(q.slice(2)) : 1;
    // An exact type outranks a wildcard of the same quality.
    const weight = (Number.isFinite(value) ? value : 0) + (range === type ? 0.0001 : 0);
    best = Math.max(best, weight);
  }
  return best;
};

/** JSON or CSV for this request; `limit` and `cursor` page the CSV only, so JSON refuses them. */
export const exportFormat = (
  query: { readonly format?: "json" | "csv"; readonly limit?: number; readonly cursor?: string },
  accept: string | undefined,
): "json" | "csv" => {
  if (wantsCsv(query.format, accept)) return "csv";
  const paging = (["limit", "cursor"] as const).filter((name) => query[name] !== undefined);
  if (paging.length > 0) {
    throw invalidInput(
      "report.paging_without_csv",
      "A JSON report is never paged; limit and cursor page the CSV export.",
      paging.map((name) => ({
        path: `query.${name}`,
        message: "limit and cursor page the CSV export: ask for text/csv",
      })),
    );
  }
  return "json";
};

export const wantsCsv = (
  format: "json" | "csv" | undefined,
  accept: string | undefined,
): boolean => {
  if (format) return format === "csv";
  if (!accept) return false;
  const csv = quality(accept, "text/csv");
  return csv > 0 && csv > quality(accept, "application/json");
};
