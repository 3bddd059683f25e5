import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/reports/handler";
import { addDays } from "#lib/analytics/buckets";
import { recordAnalytics } from "#lib/analytics/recorder";
import { runRollup } from "#lib/analytics/rollup";
import { documentClient } from "#lib/db/client";
import { REPORT_DEFINITIONS } from "#lib/reports/definitions";
import { REPORTS, type Report } from "#lib/reports/schema";
import { apiEvent, invoke, lambdaContext } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";
import { installRequestMeter } from "../../bench/request-meter.ts";
import { closedDeal, domainEvent, openDeal } from "../analytics/events.ts";

/**
 * The reports handler against DynamoDB Local: what a report costs, bad requests, and CSV.
 *
 * Two weeks hold the same owners, pipelines, sources and teams, the second with ten times the
 * events of the first. Every report, in every grouping it takes, must send exactly the same
 * DynamoDB requests for both: its cost follows the range and the grouping, never the data.
 */
const SMALL = { from: "2025-03-03", to: "2025-03-09" };
const LARGE = { from: "2025-04-07", to: "2025-04-13" };
const OWNERS = ["ana", "bo"];

/** Per day and owner, `n` of each: an activity, a deal won or lost, a lead, a ticket. */
const eventsOf = (range: { from: string }, n: number) =>
  Array.from({ length: 7 }, (_, d) => addDays(range.from, d)).flatMap((day) =>
    OWNERS.flatMap((ownerId, o) =>
      Array.from({ length: n }, (_, k) => {
        const id = `${day}-${o}-${k}`;
        const at = (hour: number) => `${day}T${String(hour).padStart(2, "0")}:00:00.000Z`;
        const deal = openDeal({
          ownerId,
          amount: 100 + k,
          createdAt: at(8),
          stageEnteredAt: at(8),
        });
        const lead = { source: k % 2 ? "referral" : "event", createdAt: at(9) };
        return [
          domainEvent("activity.created", {
            id: `act_${id}`,
            data: { type: k % 2 ? "call" : "email", occurredAt: at(10), ownerId },
          }),
          domainEvent("deal.created", { id: `deal_${id}`, version: 1, data: deal }),
          domainEvent("deal.won", {
            id: `deal_${id}`,
            version: 2,
            data: closedDeal(deal, k % 3 ? "won" : "lost", at(12)),
          }),
          domainEvent("lead.created", { id: `lead_${id}`, data: lead }),
          domainEvent(
            "lead.qualified",
            { id: `lead_${id}`, version: 2, data: lead },
            { occurredAt: at(13) },
          ),
          domainEvent("ticket.solved", {
            id: `tkt_${id}`,
            version: 3,
            data: {
              createdAt: at(8),
              teamId: o ? "emea" : "amer",
              assigneeId: ownerId,
              firstRespondedAt: at(9),
              solvedAt: at(11),
              sla: {
                firstResponse: { state: "met", stoppedAt: at(9) },
                resolution: {
                  state: k % 2 ? "breached" : "met",
                  stoppedAt: at(11),
                  deadline: at(10),
                },
              },
              satisfaction: { rating: o ? 5 : 3, receivedAt: at(14) },
            },
          }),
        ];
      }).flat(),
    ),
  );

const reportEvent = (
  name: string,
  query: Record<string, string>,
  headers: Record<string, string>,
) =>
  apiEvent({
    routeKey: "GET /reports/{report}",
    path: `/reports/${name}`,
    pathParameters: { report: name },
    query,
    headers,
    roles: "[read-only]",
  });

const report = async (
  name: string,
  query: Record<string, string>,
  headers: Record<string, string> = {},
) => invoke(handler, reportEvent(name, query, headers));

/** For CSV: the handler's result as it is, its body unparsed. */
const csv = async (
  name: string,
  query: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  (await handler(reportEvent(name, query, headers), lambdaContext)) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };

beforeAll(async () => {
  await createTestTable("reports");
  const events = [...eventsOf(SMALL, 1), ...eventsOf(LARGE, 10)];
  for (let start = 0; start < events.length; start += 16) {
    await Promise.all(events.slice(start, start + 16).map((e) => recordAnalytics(e)));
  }
  await runRollup({ scheduledTime: "2025-04-14T00:30:00.000Z" });
}, 240_000);

describe("what a report costs", () => {
  it("is the same requests over ten times the data, in every grouping of every report", async () => {
    const meter = installRequestMeter(documentClient);
    try {
      for (const name of REPORTS) {
        const definition = REPORT_DEFINITIONS[name];
        for (const groupBy of definition.groupBys) {
          const measure = async (range: typeof SMALL) => {
            const { result, tally } = await meter.measure(() =>
              report(name, { ...range, groupBy }),
            );
            expect(result.statusCode, `${name} by ${groupBy}`).toBe(200);
            return { tally, body: result.json as unknown as Report };
          };
          const small = await measure(SMALL);
          const large = await measure(LARGE);
          const where = `${name} by ${groupBy}`;
          expect(large.tally.requests, where).toEqual(small.tally.requests);
          // The directory, then one Query per source (and one of the snapshots).
          const queries = Object.keys(definition.sources).length + (definition.snapshots ? 1 : 0);
          expect(small.tally.requests, where).toEqual({ GetItem: 1, Query: queries });
          // And the large week really holds ten times as much.
          if (name === "activities") {
            expect(large.body.totals.total, where).toBe(10 * (small.body.totals.total ?? 0));
          }
        }
      }
    } finally {
      meter.uninstall();
    }
  }, 120_000);

  it("adds up what it read", async () => {
    const small = (await report("revenue", { ...SMALL, groupBy: "owner" }))
      .json as unknown as Report;
    // With one deal per day and owner, every deal is k = 0: lost.
    expect(small.totals).toEqual({ won: 0 });
    expect(small.buckets.map((b) => b.key)).toEqual([]);
    const large = (await report("funnel", { ...LARGE, groupBy: "source" }))
      .json as unknown as Report;
    expect(large.buckets.map((b) => b.key)).toEqual(["event", "referral"]);
    expect(large.totals).toMatchObject({
      created: 7 * 2 * 10,
      qualified: 7 * 2 * 10,
      qualificationRate: 1,
    });
    // amer's tickets (ana's) are rated 3, emea's (bo's) 5: one each per day.
    const csat = (await report("satisfaction", { ...SMALL, groupBy: "team" }))
      .json as unknown as Report;
    expect(csat.totals).toEqual({
      responses: 14,
      averageRating: 4,
      satisfactionRate: 0.5,
      rating1: 0,
      rating2: 0,
      rating3: 7,
      rating4: 0,
      rating5: 7,
    });
    expect(csat.series.find((s) => s.key === "averageRating")?.points).toEqual([
      { bucket: "amer", value: 3 },
      { bucket: "emea", value: 5 },
    ]);
  });
});

describe("a bad report request", () => {
  const refusal = async (name: string, query: Record<string, string>) => {
    const response = await report(name, query);
    expect(response.statusCode).toBe(400);
    expect(response.headers?.["content-type"]).toBe("application/problem+json");
    return response.json?.errors;
  };

  it("is refused with the field that is wrong", async () => {
    expect(await refusal("funnel", { ...SMALL, groupBy: "owner" })).toEqual([
      { path: "query.groupBy", message: "The funnel report groups by day, week, month, source" },
    ]);
    expect(
      await refusal("activities", { from: "2024-01-01", to: "2025-01-01", groupBy: "day" }),
    ).toEqual([
      {
        path: "query.to",
        message: "Grouped by day, a report covers at most 366 days; this range has 367",
      },
    ]);
    expect(await refusal("activities", { from: "2025-03-09", to: "2025-03-03" })).toEqual([
      { path: "query.to", message: "from must not be after to" },
    ]);
    expect(await refusal("profits", SMALL)).toEqual([
      expect.objectContaining({ path: "params.report" }),
    ]);
    expect(await refusal("activities", { from: "2025-03-03" })).toEqual([
      expect.objectContaining({ path: "query.to" }),
    ]);
    expect(await refusal("activities", { ...SMALL, colour: "blue" })).toEqual([
      expect.objectContaining({ path: "query" }),
    ]);
    expect(await refusal("activities", { ...SMALL, format: "csv", cursor: "nope" })).toEqual([
      { path: "query.cursor", message: "Invalid cursor" },
    ]);
    expect(await refusal("activities", { ...SMALL, limit: "5" })).toEqual([
      { path: "query.limit", message: "limit and cursor page the CSV export: ask for text/csv" },
    ]);
  });
});

describe("a report as CSV", () => {
  it("is sent for Accept: text/csv or format=csv, paged by a Link to the next page", async () => {
    const byAccept = await csv("activities", { ...SMALL, groupBy: "day" }, { accept: "text/csv" });
    expect(byAccept.statusCode).toBe(200);
    expect(byAccept.headers?.["content-type"]).toBe("text/csv; charset=utf-8");
    expect(byAccept.headers?.["content-disposition"]).toBe(
      'attachment; filename="activities-2025-03-03-2025-03-09.csv"',
    );
    const lines = String(byAccept.body).split("\r\n");
    expect(lines[0]).toBe("bucket,label,Activities,Emails,Calls,Meetings,Notes,Social messages");
    expect(lines[1]).toBe("2025-03-03,2025-03-03,2,2,0,0,0,0");
    expect(lines[8]).toBe("total,Total,14,14,0,0,0,0");
    expect(byAccept.headers?.link).toBeUndefined();

    const first = await csv("activities", { ...SMALL, groupBy: "day", format: "csv", limit: "5" });
    const link = String(first.headers?.link);
    expect(link).toMatch(
      /^<\/reports\/activities\?from=2025-03-03&to=2025-03-09&groupBy=day&format=csv&limit=5&cursor=[\w-]+>; rel="next"$/,
    );
    const next = Object.fromEntries(
      new URL(link.slice(1, link.indexOf(">")), "http://x").searchParams,
    );
    const second = await csv("activities", next);
    const rows = String(second.body).split("\r\n").filter(Boolean);
    expect(rows.map((r) => r.split(",")[0])).toEqual([
      "bucket",
      "2025-03-08",
      "2025-03-09",
      "total",
    ]);
    expect(second.headers?.link).toBeUndefined();
  });
});
