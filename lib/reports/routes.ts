import { READERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { reportParams, reportQuery, reportSchema } from "#lib/reports/schema";

/**
 * One route for every report: `/reports/{pipeline|funnel|revenue|…}`. One route rather than
 * eight keeps the stack's resource count down (each API Gateway route costs two resources); each
 * report still validates the groupings it takes (a 400 names them).
 *
 * Every role may read reports: they hold aggregates of the rollups (counts, sums, rates per day,
 * owner or team), never a record's contents, and a shared leaderboard is what sales teams expect.
 */
export const reportRoutes = [
  route({
    operationId: "getReport",
    method: "GET",
    path: "/reports/{report}",
    function: "reports",
    summary:
      "A report from the analytics rollups: chart-ready series over a date range, as JSON or CSV",
    roles: READERS,
    request: { params: reportParams, query: reportQuery },
    response: {
      status: 200,
      body: reportSchema,
      description:
        "The report's buckets, series and totals; as CSV (a row per bucket, paged by `Link`) with `Accept: text/csv` or `format=csv`",
      csv: true,
    },
    errors: [],
  }),
] as const;
