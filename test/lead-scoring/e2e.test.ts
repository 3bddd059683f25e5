import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngagementEvents } from "#events/integration/engagement-detail-types";
import { parseBusEvent } from "#lib/events/bus-event";
import { LeadEvents } from "#lib/events/detail-types";
import type { ScoreExplanation } from "#lib/lead-scoring/schema";
import type { Lead } from "#lib/leads/schema";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Lead scoring through the local runtime: an admin sets the model over HTTP, a lead gets an
 * activity and an integration's `email.clicked` event, and its score rises with each, through
 * the stream publisher, the bus and the scoring rules, and is explained rule by rule.
 */
let crm: TestRuntime;
let adminClient: ApiClient;
let sales: ApiClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  adminClient = crm.as("admin", "admin-1");
  sales = crm.as("sales", "seller-1");
});

afterAll(async () => {
  await crm?.stop();
});

const scoreChanged = (leadId: string, score: number) => (event: LocalBusEvent) => {
  if (event["detail-type"] !== LeadEvents.ScoreChanged) return false;
  const { detail } = parseBusEvent(event);
  return detail.id === leadId && (detail.data as Lead).score === score;
};

describe("lead scoring through the local runtime", () => {
  it("raises a lead's score for an activity and an email click, and explains it", async () => {
    const model = await adminClient.put(
      "/lead-scoring/model",
      {
        fitRules: [
          {
            id: "title-head",
            description: "Heads of a department",
            when: { attribute: "title", match: "contains", values: ["head"] },
            points: 20,
          },
          { id: "software", when: { attribute: "industry", values: ["Software"] }, points: 15 },
          {
            id: "students",
            when: { attribute: "title", match: "contains", values: ["student"] },
            points: -30,
          },
        ],
        engagementRules: [
          { id: "calls", signal: "activity", activityTypes: ["call", "meeting"], points: 10 },
          {
            id: "clicks",
            signal: "email_clicked",
            points: 5,
            cap: 15,
            decay: { kind: "half_life", days: 30 },
          },
        ],
      },
      { headers: { "if-match": '"0"' } },
    );
    expect(model.status).toBe(200);
    expect(model.headers.get("etag")).toBe('"1"');

    const created = await sales.post<Lead>("/leads", {
      firstName: "Grace",
      lastName: "Hopper",
      email: "grace@cobol.example",
      title: "Head of Engineering",
      industry: "Software",
      companyName: "Cobol Systems",
      source: "import",
    });
    expect(created.status).toBe(201);
    const leadId = created.body.id;
    await crm.bus.waitFor(scoreChanged(leadId, 35), 20_000);

    const activity = await sales.post("/activities", {
      type: "call",
      occurredAt: new Date().toISOString(),
      direction: "outbound",
      durationSeconds: 420,
      outcome: "connected",
      links: [{ entity: "lead", id: leadId }],
    });
    expect(activity.status).toBe(201);
    await crm.bus.waitFor(scoreChanged(leadId, 45), 20_000);

    const click = {
      EventBusName: crm.bus.eventBusName,
      Source: "integration.email-platform",
      DetailType: EngagementEvents.EmailClicked,
      Detail: JSON.stringify({
        externalId: "click-grace-1",
        occurredAt: new Date().toISOString(),
        email: "Grace@Cobol.example",
        url: "https://crm-customer.example/pricing",
        campaign: "q4-webinar",
      }),
    };
    const [put] = await crm.bus.put([click]);
    expect(put).toEqual({ EventId: expect.any(String) });
    await crm.bus.waitFor(scoreChanged(leadId, 50), 20_000);

    // The integration sends the same click again: it counts once.
    await crm.bus.put([click]);
    await crm.bus.idle();

    const lead = await sales.get<Lead>(`/leads/${leadId}`);
    expect(lead.body).toMatchObject({ score: 50, updatedBy: "lead-scoring" });
    expect(lead.body.scoreBreakdown).toEqual([
      { rule: "title-head", category: "fit", points: 20, detail: "Heads of a department" },
      { rule: "software", category: "fit", points: 15, detail: 'industry is "Software"' },
      { rule: "calls", category: "engagement", points: 10, detail: "1 signal" },
      { rule: "clicks", category: "engagement", points: 5, detail: "1 signal" },
    ]);

    const explained = await crm
      .as("read-only", "viewer-1")
      .get<ScoreExplanation>(`/leads/${leadId}/score`);
    expect(explained.status).toBe(200);
    const explanation = explained.body;
    expect(explanation).toMatchObject({
      leadId,
      total: 50,
      storedScore: 50,
      scoredAt: lead.body.scoredAt,
      upToDate: true,
      modelVersion: 1,
      fit: { points: 35 },
      engagement: { points: 15 },
    });
    expect(explanation.fit.rules.map((r) => [r.rule, r.matched, r.points])).toEqual([
      ["title-head", true, 20],
      ["software", true, 15],
      ["students", false, 0],
    ]);
    const [calls, clicks] = explanation.engagement.rules;
    expect(calls?.signals).toMatchObject([
      {
        kind: "activity",
        activityType: "call",
        originalPoints: 10,
        decayFactor: 1,
        currentPoints: 10,
      },
    ]);
    expect(clicks).toMatchObject({ cap: 15, capApplied: false, points: 5 });
    expect(clicks?.signals).toHaveLength(1);
    expect(clicks?.signals[0]).toMatchObject({
      kind: "email_clicked",
      source: "integration.email-platform",
      url: "https://crm-customer.example/pricing",
      campaign: "q4-webinar",
      originalPoints: 5,
      ageDays: 0,
    });
    expect(clicks?.signals[0]?.decayFactor).toBeGreaterThan(0.999);
    const lines = [...explanation.fit.rules, ...explanation.engagement.rules];
    expect(lines.reduce((sum, rule) => sum + rule.points, 0)).toBe(explanation.total);
    expect(await crm.bus.deadLetters()).toEqual([]);
  });

  it("answers bad requests clearly: a sales user cannot change the model, an unknown lead is a 404", async () => {
    const refused = await sales.put("/lead-scoring/model", { fitRules: [], engagementRules: [] });
    expect(refused.status).toBe(403);
    const stale = await adminClient.put(
      "/lead-scoring/model",
      { fitRules: [], engagementRules: [] },
      { headers: { "if-match": '"0"' } },
    );
    expect(stale.status).toBe(412);
    const missing = await sales.get("/leads/lead_01JD7QD4E5F6G7H8J9K0M1N2P3/score");
    expect(missing.status).toBe(404);
  });
});
