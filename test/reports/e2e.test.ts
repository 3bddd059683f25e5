import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Activity } from "#lib/activities/schema";
import type { Contact } from "#lib/contacts/schema";
import type { Deal } from "#lib/deals/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import type { Lead } from "#lib/leads/schema";
import type { Pipeline } from "#lib/pipelines/schema";
import type { Report } from "#lib/reports/schema";
import type { TicketView } from "#lib/tickets/schema";
import { checkTicketSla } from "#lib/tickets/sla-check";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Analytics end to end, through the local runtime: records are made over HTTP (activities on
 * days in October 2026 given by their `occurredAt`; deals, leads and tickets today), their events
 * reach the recorder through the stream and the bus, the hourly rollup runs from its schedule,
 * and every figure of every report is checked against what the table below says by hand.
 *
 * Activities, October 2026 (W41 = 5–11, W42 = 12–18):
 * | day    | ana                  | bo                                   |
 * |--------|----------------------|--------------------------------------|
 * | Mon 5  | call, email          |                                      |
 * | Tue 6  | social (deleted)     |                                      |
 * | Wed 7  |                      | meeting                              |
 * | Mon 12 |                      | call (moved to Tue 13)               |
 * | Wed 14 | note                 |                                      |
 *
 * Today: pipeline "Sales" (Qualify, Proposal, Won, Lost). Deals: A ana 1 000 EUR won; B bo
 * 500 EUR lost; C ana 300 USD open in Proposal; D bo 200 EUR open in Qualify. Leads: two from
 * referral (both qualified, one converted, owned by ana), one from an event. Tickets: T1 (team
 * emea, bo) answered and solved in time; T2 (team amer, ana, urgent) never answered, its first
 * response breached. Teams: amer = ana, emea = bo.
 */
let crm: TestRuntime;
let admin: ApiClient;
let ana: ApiClient;
let bo: ApiClient;
let manager: ApiClient;

const today = new Date().toISOString().slice(0, 10);
const OCTOBER = { from: "2026-10-05", to: "2026-10-18" };
const TODAY = { from: today, to: today };

const seconds = (from: string | undefined, to: string | undefined) =>
  Math.round((Date.parse(to ?? "") - Date.parse(from ?? "")) / 1000);

const created = async <T>(response: Promise<{ status: number; body: unknown }>): Promise<T> => {
  const answer = await response;
  expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(200);
  expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
  return answer.body as T;
};

const ofRecord = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

const getReport = async (name: string, query: Record<string, string>): Promise<Report> => {
  const response = await manager.get<Report>(`/reports/${name}`, { query });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};

/** A series as `{ bucket: value }`, for comparing with the table above. */
const pointsOf = (report: Report, key: string) => {
  const series = report.series.find((s) => s.key === key);
  if (!series) throw new Error(`no series ${key} in ${report.series.map((s) => s.key).join(", ")}`);
  return Object.fromEntries(series.points.map((p) => [p.bucket, p.value]));
};

let pipeline: Pipeline;
let contact: Contact;
const deals: Record<"a" | "b" | "c" | "d", Deal> = {} as Record<"a" | "b" | "c" | "d", Deal>;
let t1: TicketView;
let t2: TicketView;
let convertedContactOwner: string | undefined;

beforeAll(async () => {
  // Deals in dollars too (lib/deals/currencies.ts); functions run in this process.
  process.env.SALES_CURRENCIES = JSON.stringify({ base: "EUR", rates: { USD: 0.92 } });
  crm = await startTestRuntime();
  admin = crm.as("admin", "admin-1");
  ana = crm.as("sales", "ana");
  bo = crm.as("support", "bo");
  manager = crm.as("read-only", "manager-1");

  await created(
    admin.put("/lead-assignment", {
      rules: [],
      teams: [
        { id: "amer", name: "Americas", members: ["ana"] },
        { id: "emea", name: "EMEA", members: ["bo"] },
      ],
    }),
  );
  pipeline = await created<Pipeline>(
    admin.post("/pipelines", {
      name: "Sales",
      stages: [
        { name: "Qualify", winProbability: 10 },
        { name: "Proposal", winProbability: 50 },
        { name: "Won", winProbability: 100, closed: true, won: true },
        { name: "Lost", winProbability: 0, closed: true },
      ],
    }),
  );
  const [qualify, proposal, won, lost] = pipeline.stages.map((s) => s.id);
  await created(
    admin.post("/sla-policies", {
      name: "Default",
      targets: {
        low: { firstResponseSeconds: 3600, resolutionSeconds: 86_400 },
        normal: { firstResponseSeconds: 3600, resolutionSeconds: 86_400 },
        high: { firstResponseSeconds: 3600, resolutionSeconds: 86_400 },
        urgent: { firstResponseSeconds: 60, resolutionSeconds: 600 },
      },
    }),
  );
  contact = await created<Contact>(
    ana.post("/contacts", { firstName: "Ada", emails: ["ada@example.com"], ownerId: "ana" }),
  );
  const links = [{ entity: "contact", id: contact.id }];

  // Activities on their own days.
  const call = { type: "call", direction: "outbound", durationSeconds: 60, outcome: "connected" };
  await created(ana.post("/activities", { ...call, occurredAt: "2026-10-05T09:00:00Z", links }));
  await created(
    ana.post("/activities", {
      type: "email",
      direction: "outbound",
      from: "ana@crm.example",
      to: ["ada@example.com"],
      occurredAt: "2026-10-05T15:00:00Z",
      links,
    }),
  );
  const social = await created<Activity>(
    ana.post("/activities", {
      type: "social",
      direction: "inbound",
      network: "linkedin",
      handle: "ada",
      occurredAt: "2026-10-06T10:00:00Z",
      links,
    }),
  );
  await created(
    bo.post("/activities", {
      type: "meeting",
      startsAt: "2026-10-07T10:00:00Z",
      endsAt: "2026-10-07T11:00:00Z",
      occurredAt: "2026-10-07T10:00:00Z",
      links,
    }),
  );
  const moved = await created<Activity>(
    bo.post("/activities", { ...call, occurredAt: "2026-10-12T23:30:00Z", links }),
  );
  await created(
    ana.post("/activities", { type: "note", occurredAt: "2026-10-14T08:00:00Z", links }),
  );
  await created(bo.patch(`/activities/${moved.id}`, { occurredAt: "2026-10-13T00:30:00Z" }));
  expect((await ana.delete(`/activities/${social.id}`)).status).toBe(204);

  // Deals, today.
  const deal = (owner: ApiClient, body: Record<string, unknown>) =>
    created<Deal>(
      owner.post("/deals", {
        expectedCloseDate: "2026-12-31",
        pipelineId: pipeline.id,
        stageId: qualify,
        ...body,
      }),
    );
  deals.a = await deal(ana, { name: "A", amount: 1000, currency: "EUR" });
  deals.b = await deal(bo, { name: "B", amount: 500, currency: "EUR" });
  deals.c = await deal(ana, { name: "C", amount: 300, currency: "USD", stageId: proposal });
  deals.d = await deal(bo, { name: "D", amount: 200, currency: "EUR" });
  deals.a = await created<Deal>(ana.post(`/deals/${deals.a.id}/stage`, { stageId: won }));
  deals.b = await created<Deal>(
    bo.post(`/deals/${deals.b.id}/stage`, { stageId: lost, reason: "Budget" }),
  );

  // Leads, today.
  const lead = (body: Record<string, unknown>) => created<Lead>(ana.post("/leads", body));
  const l1 = await lead({ source: "referral", email: "lin@example.com", ownerId: "ana" });
  const l2 = await lead({ source: "referral", email: "lou@example.com" });
  const l3 = await lead({ source: "event", email: "eve@example.com" });
  for (const l of [l1, l2]) {
    await created(ana.post(`/leads/${l.id}/status`, { status: "qualified" }));
  }
  const conversion = await created<{ contact: { id: string } }>(
    ana.post(`/leads/${l1.id}/convert`, {}),
  );
  convertedContactOwner = (await ana.get<Contact>(`/contacts/${conversion.contact.id}`)).body
    .ownerId;

  // Tickets, today.
  t1 = await created<TicketView>(
    bo.post("/tickets", {
      subject: "Help",
      requesterId: contact.id,
      teamId: "emea",
      assigneeId: "bo",
    }),
  );
  t2 = await created<TicketView>(
    ana.post("/tickets", {
      subject: "Urgent",
      requesterId: contact.id,
      teamId: "amer",
      assigneeId: "ana",
      priority: "urgent",
    }),
  );
  await created(bo.post(`/tickets/${t1.id}/replies`, { body: "On it", visibility: "public" }));
  t1 = await created<TicketView>(bo.patch(`/tickets/${t1.id}`, { status: "solved" }));
  // The SLA check, as the escalation workflow runs it at the deadline.
  await checkTicketSla(t2.id, new Date(t2.sla?.firstResponse.deadline ?? ""));

  // Every event delivered and counted.
  for (const [id, type] of [
    [social.id, "activity.deleted"],
    [moved.id, "activity.updated"],
    [deals.a.id, "deal.won"],
    [deals.b.id, "deal.lost"],
    [deals.d.id, "deal.created"],
    [l1.id, "lead.converted"],
    [l3.id, "lead.created"],
    [t1.id, "ticket.solved"],
    [t2.id, "ticket.sla_breached"],
  ] as const) {
    await crm.bus.waitFor(ofRecord(id, type), 10_000);
  }
  await crm.bus.idle();
  const run = await crm.runtime.scheduler.runNow("analytics-rollup-hourly");
  expect(run.outcome).toBe("returned");
}, 120_000);

afterAll(async () => {
  await crm?.stop();
  delete process.env.SALES_CURRENCIES;
});

describe("the activities report", () => {
  it("counts by day what occurred on each day, deleted and moved ones where they are now", async () => {
    const report = await getReport("activities", { ...OCTOBER, groupBy: "day" });
    expect(report).toMatchObject({ from: "2026-10-05", to: "2026-10-18", granularity: "day" });
    expect(report.buckets).toHaveLength(14);
    expect(report.asOf).not.toBeNull();
    expect(pointsOf(report, "total")).toMatchObject({
      "2026-10-05": 2,
      "2026-10-06": 0,
      "2026-10-07": 1,
      "2026-10-12": 0,
      "2026-10-13": 1,
      "2026-10-14": 1,
      "2026-10-18": 0,
    });
    expect(pointsOf(report, "call")).toMatchObject({ "2026-10-05": 1, "2026-10-13": 1 });
    expect(report.totals).toEqual({ total: 5, email: 1, call: 2, meeting: 1, note: 1, social: 0 });
  });

  it("by week (Monday to Sunday), by owner and by team", async () => {
    const byWeek = await getReport("activities", { ...OCTOBER, groupBy: "week" });
    expect(byWeek.buckets.map((b) => [b.key, b.from, b.to])).toEqual([
      ["2026-W41", "2026-10-05", "2026-10-11"],
      ["2026-W42", "2026-10-12", "2026-10-18"],
    ]);
    expect(pointsOf(byWeek, "total")).toEqual({ "2026-W41": 3, "2026-W42": 2 });
    expect(pointsOf(byWeek, "meeting")).toEqual({ "2026-W41": 1, "2026-W42": 0 });

    const byOwner = await getReport("activities", { ...OCTOBER, groupBy: "owner" });
    expect(byOwner.granularity).toBe("week");
    expect(byOwner.buckets.map((b) => b.key)).toEqual(["ana", "bo"]);
    expect(pointsOf(byOwner, "total")).toEqual({ ana: 3, bo: 2 });
    expect(pointsOf(byOwner, "note")).toEqual({ ana: 1, bo: 0 });

    const byTeam = await getReport("activities", { ...OCTOBER, groupBy: "team" });
    expect(byTeam.buckets).toEqual([
      { key: "amer", label: "Americas" },
      { key: "emea", label: "EMEA" },
    ]);
    expect(pointsOf(byTeam, "total")).toEqual({ amer: 3, emea: 2 });
    expect(byTeam.totals.total).toBe(5);

    const byMonth = await getReport("activities", { ...OCTOBER, groupBy: "month" });
    expect(byMonth).toMatchObject({ from: "2026-10-01", to: "2026-10-31" });
    expect(pointsOf(byMonth, "total")).toEqual({ "2026-10": 5 });
  });
});

describe("the sales reports", () => {
  it("pipeline: the open pipeline by stage, win rate and sales cycle", async () => {
    const report = await getReport("pipeline", { ...TODAY, groupBy: "day" });
    const [qualify, proposal] = pipeline.stages.map((s) => s.id);
    expect(report.currencies).toEqual(["EUR", "USD"]);
    const open = (stage: string | undefined, measure: string) =>
      pointsOf(report, `open.${pipeline.id}.${stage}.${measure}`)[today];
    expect(open(qualify, "count")).toBe(1);
    expect(open(qualify, "EUR")).toBe(200);
    expect(open(qualify, "USD")).toBe(0);
    expect(open(proposal, "count")).toBe(1);
    expect(open(proposal, "USD")).toBe(300);
    expect(
      report.series.find((s) => s.key === `open.${pipeline.id}.${proposal}.USD`),
    ).toMatchObject({
      label: "Sales · Proposal: open value (USD)",
      unit: "money",
      currency: "USD",
    });
    const cycle = seconds(deals.a.createdAt, deals.a.closedAt);
    expect(report.totals).toMatchObject({
      won: 1,
      lost: 1,
      winRate: 0.5,
      averageSalesCycle: cycle,
      [`open.${pipeline.id}.${qualify}.EUR`]: 200,
    });

    const byPipeline = await getReport("pipeline", { ...TODAY, groupBy: "pipeline" });
    expect(byPipeline.buckets).toEqual([{ key: pipeline.id, label: "Sales" }]);
    expect(byPipeline.totals).toEqual({
      openDeals: 2,
      "openValue.EUR": 200,
      "openValue.USD": 300,
      won: 1,
      lost: 1,
      winRate: 0.5,
      averageSalesCycle: cycle,
    });
  });

  it("revenue: won deals and money, by day, owner, team and pipeline", async () => {
    const byDay = await getReport("revenue", { ...TODAY, groupBy: "day" });
    expect(byDay.totals).toEqual({ won: 1, "wonAmount.EUR": 1000 });
    expect(pointsOf(byDay, "wonAmount.EUR")).toEqual({ [today]: 1000 });
    const byOwner = await getReport("revenue", { ...TODAY, groupBy: "owner" });
    expect(pointsOf(byOwner, "won")).toEqual({ ana: 1 });
    const byTeam = await getReport("revenue", { ...TODAY, groupBy: "team" });
    expect(pointsOf(byTeam, "wonAmount.EUR")).toEqual({ amer: 1000, emea: 0 });
    const byPipeline = await getReport("revenue", { ...TODAY, groupBy: "pipeline" });
    expect(pointsOf(byPipeline, "won")).toEqual({ [pipeline.id]: 1 });
  });

  it("funnel: leads created, qualified and converted, overall and by source", async () => {
    const byDay = await getReport("funnel", { ...TODAY, groupBy: "day" });
    expect(byDay.totals).toEqual({
      created: 3,
      qualified: 2,
      converted: 1,
      qualificationRate: 0.6667,
      conversionRate: 0.3333,
      qualifiedConversionRate: 0.5,
    });
    const bySource = await getReport("funnel", { ...TODAY, groupBy: "source" });
    expect(bySource.buckets.map((b) => b.key)).toEqual(["event", "referral"]);
    expect(pointsOf(bySource, "created")).toEqual({ event: 1, referral: 2 });
    expect(pointsOf(bySource, "conversionRate")).toEqual({ event: 0, referral: 0.5 });
    expect(pointsOf(bySource, "qualifiedConversionRate")).toEqual({ event: null, referral: 0.5 });
  });

  it("leaderboard: owners ranked by deals won, with what else they did today", async () => {
    const report = await getReport("leaderboard", TODAY);
    expect(report.groupBy).toBe("owner");
    expect(report.buckets.slice(0, 2).map((b) => b.key)).toEqual(["ana", "bo"]);
    expect(pointsOf(report, "won")).toMatchObject({ ana: 1, bo: 0 });
    expect(pointsOf(report, "lost")).toMatchObject({ ana: 0, bo: 1 });
    expect(pointsOf(report, "winRate")).toMatchObject({ ana: 1, bo: 0 });
    expect(pointsOf(report, "wonAmount.EUR")).toMatchObject({ ana: 1000, bo: 0 });
    // bo's public reply to T1 is an activity (a note), logged today.
    expect(pointsOf(report, "activities")).toMatchObject({ ana: 0, bo: 1 });
    expect(pointsOf(report, "ticketsSolved")).toMatchObject({ ana: 0, bo: 1 });
    // Ada, and the contact the lead of ana became.
    expect(convertedContactOwner).toBe("ana");
    expect(pointsOf(report, "contacts")).toMatchObject({ ana: 2, bo: 0 });
    expect(report.totals).toMatchObject({ won: 1, lost: 1, winRate: 0.5, contacts: 2 });
  });
});

describe("the support reports", () => {
  it("support: tickets opened and solved, first-response and resolution times", async () => {
    const byDay = await getReport("support", { ...TODAY, groupBy: "day" });
    expect(byDay.totals).toEqual({
      opened: 2,
      solved: 1,
      averageFirstResponse: seconds(t1.createdAt, t1.firstRespondedAt),
      averageResolution: seconds(t1.createdAt, t1.solvedAt),
    });
    const byTeam = await getReport("support", { ...TODAY, groupBy: "team" });
    expect(pointsOf(byTeam, "opened")).toEqual({ amer: 1, emea: 1 });
    expect(pointsOf(byTeam, "averageResolution")).toEqual({
      amer: null,
      emea: seconds(t1.createdAt, t1.solvedAt),
    });
  });

  it("sla: targets met and breached, compliance overall and per target", async () => {
    const byDay = await getReport("sla", { ...TODAY, groupBy: "day" });
    expect(byDay.totals).toEqual({
      met: 2,
      breached: 1,
      compliance: 0.6667,
      firstResponseCompliance: 0.5,
      resolutionCompliance: 1,
    });
    const byTeam = await getReport("sla", { ...TODAY, groupBy: "team" });
    expect(pointsOf(byTeam, "compliance")).toEqual({ amer: 0, emea: 1 });
  });

  it("satisfaction: nothing rated yet is zero responses and no average", async () => {
    const report = await getReport("satisfaction", { ...TODAY, groupBy: "week" });
    expect(report.totals).toMatchObject({ responses: 0, averageRating: null, rating5: 0 });
  });
});

describe("delivery and access", () => {
  it("counts a redelivered event once", async () => {
    const event = crm.bus
      .events()
      .find(
        (e) => e["detail-type"] === "activity.created" && parseBusEvent(e).detail.data !== null,
      );
    if (!event) throw new Error("no activity.created on the bus");
    await crm.bus.put([
      {
        Source: event.source,
        DetailType: event["detail-type"],
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.time),
      },
    ]);
    await crm.bus.idle();
    await crm.runtime.scheduler.runNow("analytics-rollup-hourly");
    const report = await getReport("activities", { ...OCTOBER, groupBy: "week" });
    expect(report.totals.total).toBe(5);
  });

  it("exports CSV on Accept: text/csv, and refuses a caller without a token", async () => {
    const response = await manager.get<string>("/reports/activities", {
      query: { ...OCTOBER, groupBy: "week" },
      headers: { accept: "text/csv" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.body.split("\r\n")).toEqual([
      "bucket,label,Activities,Emails,Calls,Meetings,Notes,Social messages",
      "2026-W41,2026-W41,3,1,1,1,0,0",
      "2026-W42,2026-W42,2,0,1,0,1,0",
      "total,Total,5,1,2,1,1,0",
      "",
    ]);
    const anonymous = await crm.anonymous.get("/reports/activities", { query: OCTOBER });
    expect(anonymous.status).toBe(401);
  });
});
