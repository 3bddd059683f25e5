import { httpFunction } from "#lib/http/http-function";
import { ok, text } from "#lib/http/response";
import { CSV_CONTENT_TYPE, csvPage, DEFAULT_CSV_ROWS, nextPageLink } from "#lib/reports/csv";
import { exportFormat } from "#lib/reports/negotiation";
import { reportRoutes } from "#lib/reports/routes";
import { buildReport } from "#lib/reports/service";

export const handler = httpFunction(reportRoutes, {
  getReport: async ({ params, query, accept }) => {
    const format = exportFormat(query, accept);
    const report = await buildReport({ report: params.report, ...query });
    if (format === "json") return ok(report);
    const page = csvPage(report, query.limit ?? DEFAULT_CSV_ROWS, query.cursor);
    return text(page.text, CSV_CONTENT_TYPE, {
      "content-disposition": `attachment; filename="${report.report}-${report.from}-${report.to}.csv"`,
      ...(page.nextCursor
        ? { link: nextPageLink(`/reports/${params.report}`, query, page.nextCursor) }
        : {}),
    });
  },
});
