import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Activity } from "#lib/activities/schema";
import { SALES_CURRENCIES_VARIABLE } from "#lib/deals/currencies";
import type { DealView } from "#lib/deals/schema";
import type { Forecast, ForecastFigures } from "#lib/forecast/schema";
import type { Page } from "#lib/http/response";
import { endOfQuarter } from "#lib/lead-conversion/records";
import type { ConversionResult } from "#lib/lead-conversion/schema";
import type { Lead } from "#lib/leads/schema";
import type { NurturingConfig } from "#lib/nurturing/config";
import { followUpTaskIdOf } from "#lib/nurturing/follow-up";
import type { Pipeline } from "#lib/pipelines/schema";
import type { LocalBusEvent } from "#local/event-bus";
import { startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * The whole funnel through the local runtime, as clients and integrations drive it: a visitor
 * fills in the web form; the lead is scored, assigned and nurtured at one-second waits; an email
 * open qualifies it and the workflow hands it off with a follow-up task; sales converts it into
 * a contact, a company and a deal; a call logged against the contact and the deal shows on both
 * timelines; the deal moves through the stages to won, and the forecast follows every step.
 */
const nurturing: NurturingConfig = {
  sources: ["web_form"],
  steps: [
    { waitSeconds: 1, touch: "welcome" },
    { waitSeconds: 2, touch: "case-study" },
    { waitSeconds: 2, touch: "check-in" },
  ],
  qualificationThreshold: 60,
};

let crm: TestRuntime;
let pipeline: Pipeline;
const now = new Date();
const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
const stageIdOf = (name: string) => pipeline.stages.find((s) => s.name === name)?.id ?? "";
const isFor = (detailType: string, id: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && (event.detail as { id?: unknown }).id === id;

/** Asks again until `read` satisfies `check`: what follows a request runs on the bus. */
const eventually = async <T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
};

const forecastTotals = async (expected: Partial<ForecastFigures>) => {
  const read = async () =>
    (
      await crm
        .as("read-only")
        .get<Forecast>("/forecast", { query: { pipelineId: pipeline.id, period: quarter } })
    ).body.totals;
  const totals = await eventually(read, (t) =>
    Object.entries(expected).every(
      ([key, value]) => JSON.stringify(t[key as keyof ForecastFigures]) === JSON.stringify(value),
    ),
  );
  expect(totals).toMatchObject(expected);
};

beforeAll(async () => {
  process.env.NURTURING_CONFIG = JSON.stringify(nurturing);
  process.env[SALES_CURRENCIES_VARIABLE] = '{"base":"EUR","rates":{"USD":0.9}}';
  crm = await startTestRuntime();
  const admin = crm.as("admin", "admin-1");
  const configured = await Promise.all([
    admin.put("/lead-scoring/model", {
      fitRules: [
        {
          id: "decision-maker",
          when: { attribute: "title", match: "contains", values: ["director"] },
          points: 20,
        },
      ],
      engagementRules: [{ id: "opened-email", signal: "email_opened", points: 50 }],
    }),
    admin.put("/lead-assignment", {
      rules: [
        {
          name: "Web leads to the inbound team",
          when: { sources: ["web_form"] },
          assignTo: { teamId: "inbound" },
        },
      ],
      teams: [{ id: "inbound", name: "Inbound", members: ["user-sam", "user-kim"] }],
    }),
    admin.post<Pipeline>("/pipelines", {
      name: "New business",
      stages: [
        { name: "Qualified", winProbability: 20 },
        { name: "Negotiation", winProbability: 80 },
        { name: "Closed won", winProbability: 100, closed: true, won: true },
        { name: "Closed lost", winProbability: 0, closed: true },
      ],
    }),
  ]);
  expect(configured.map((r) => r.status)).toEqual([200, 200, 201]);
  pipeline = configured[2]?.body as Pipeline;
});

afterAll(async () => {
  await crm?.stop();
  delete process.env.NURTURING_CONFIG;
  delete process.env[SALES_CURRENCIES_VARIABLE];
});

describe("the sales funnel, from web form to won deal", () => {
  it("scores, assigns, nurtures, qualifies, hands off, converts and wins", async () => {
    const email = `ada-${Date.now().toString(36)}@analytical.example`;
    const form = await crm.anonymous.post<{ id: string }>("/web-forms/leads", {
      firstName: "Ada",
      lastName: "Lovelace",
      email,
      title: "Engineering Director",
      companyName: "Analytical Engines",
      domain: "analytical.example",
      consent: true,
    });
    expect(form.status).toBe(201);
    const leadId = form.body.id;
    const sales = crm.as("sales", "user-sam");

    // Scored on fit, and assigned to a member of the inbound team, from lead.created.
    const assigned = await eventually(
      async () => (await sales.get<Lead>(`/leads/${leadId}`)).body,
      (lead) => lead.ownerId !== undefined && lead.score === 20,
    );
    expect(assigned).toMatchObject({ source: "web_form", teamId: "inbound", score: 20 });
    expect(["user-sam", "user-kim"]).toContain(assigned.ownerId);

    // Nurtured: the first touch goes out after the first wait.
    await crm.bus.waitFor(isFor("lead.nurture_touch", leadId), 15_000);

    // The email integration reports an open; the score crosses the threshold and the workflow
    // hands the lead off: qualified, owned, with a follow-up task.
    await crm.bus.put([
      {
        Source: "integration.mailer",
        DetailType: "email.opened",
        EventBusName: crm.bus.eventBusName,
        Detail: JSON.stringify({
          externalId: `open-${leadId}`,
          occurredAt: new Date().toISOString(),
          email,
        }),
      },
    ]);
    await crm.bus.waitFor(isFor("lead.qualified", leadId), 20_000);
    const qualified = (await sales.get<Lead>(`/leads/${leadId}`)).body;
    expect(qualified).toMatchObject({ status: "qualified", score: 70 });
    const task = await eventually(
      () => sales.get<{ status: string; links: unknown }>(`/tasks/${followUpTaskIdOf(leadId)}`),
      (response) => response.status === 200,
    );
    expect(task.body).toMatchObject({ status: "open", links: [{ entity: "lead", id: leadId }] });

    // Converted in one transaction: a contact, a company and a deal in the pipeline.
    const converted = await sales.post<ConversionResult>(`/leads/${leadId}/convert`, {
      createDeal: {
        pipelineId: pipeline.id,
        amount: 10_000_00,
        currency: "USD",
        expectedCloseDate: endOfQuarter(now),
      },
    });
    expect(converted.status).toBe(200);
    const { contact, company, deal } = converted.body;
    expect([contact.created, company?.created, deal?.created]).toEqual([true, true, true]);
    const dealId = deal?.id ?? "";
    await forecastTotals({ pipeline: 9_000_00, weightedPipeline: 1_800_00, closedWon: 0 });

    // A call logged against the contact and the deal is on both timelines.
    const call = await sales.post<Activity>(
      "/activities",
      {
        type: "call",
        occurredAt: new Date().toISOString(),
        direction: "outbound",
        durationSeconds: 600,
        outcome: "connected",
        links: [
          { entity: "contact", id: contact.id },
          { entity: "deal", id: dealId },
        ],
      },
      { headers: { "idempotency-key": `call-${leadId}` } },
    );
    expect(call.status).toBe(201);
    for (const path of [`/contacts/${contact.id}/timeline`, `/deals/${dealId}/timeline`]) {
      const timeline = await sales.get<Page<Activity>>(path);
      expect(
        timeline.body.data.map((a) => a.id),
        path,
      ).toEqual([call.body.id]);
    }

    // Through the stages to won; the forecast follows each move.
    const toNegotiation = await sales.post<DealView>(`/deals/${dealId}/stage`, {
      stageId: stageIdOf("Negotiation"),
    });
    expect(toNegotiation.status).toBe(200);
    await forecastTotals({ pipeline: 9_000_00, weightedPipeline: 7_200_00, commit: 9_000_00 });
    const won = await sales.post<DealView>(`/deals/${dealId}/stage`, {
      stageId: stageIdOf("Closed won"),
      reason: "Signed",
    });
    expect(won.body).toMatchObject({ status: "won" });
    await forecastTotals({ closedWon: 9_000_00, pipeline: 0, weightedPipeline: 0, commit: 0 });
    await crm.bus.waitFor(isFor("deal.won", dealId));
  });
});
