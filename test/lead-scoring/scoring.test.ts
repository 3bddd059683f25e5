import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { EngagementEvents } from "#events/integration/engagement-detail-types";
import { handler as eventsHandler } from "#functions/lead-scoring-events/handler";
import { documentClient, tableName } from "#lib/db/client";
import { handleScoringEvent } from "#lib/lead-scoring/consumer";
import { emailPartition, stateKey } from "#lib/lead-scoring/keys";
import type { ScoringModel } from "#lib/lead-scoring/schema";
import {
  explainLeadScore,
  getScoringModel,
  putScoringModel,
  rescoreLead,
  SCORING_ACTOR,
} from "#lib/lead-scoring/service";
import { getScoringState, listSignals } from "#lib/lead-scoring/signal-store";
import { createLead, deleteLead, getLead, markLeadConverted, updateLead } from "#lib/leads/service";
import { newId } from "#lib/records/ids";
import {
  activityEvent,
  admin,
  clicked,
  engagementEvent,
  leadCreated,
  leadDeleted,
  leadInput,
  leadUpdated,
  testModel,
} from "#test/lead-scoring/support";
import { lambdaContext } from "#test/support/api-gateway-event";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";
import { installRequestMeter } from "../../bench/request-meter.ts";

/**
 * Lead scoring against DynamoDB Local: the model's versioning, signals recorded once per event
 * however often it is delivered, scores written only when they change, and the explanation that
 * adds up to the stored score.
 */
let model: ScoringModel;

beforeAll(async () => {
  await createTestTable("lead-scoring");
  model = await putScoringModel(testModel, 0, admin.userId);
});

/** A lead the consumer knows: created, and its `lead.created` handled as the bus would. */
const knownLead = async (fields: Parameters<typeof leadInput>[0] = {}) => {
  const lead = await createLead(leadInput(fields), admin);
  await handleScoringEvent(leadCreated(lead));
  return getLead(lead.id);
};

const signalItems = async (leadId: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": `lead#${leadId}`, ":prefix": "score-signal#" },
      }),
    )
  ).Items ?? [];

const rawState = async (leadId: string) =>
  (await documentClient.send(new GetCommand({ TableName: tableName(), Key: stateKey(leadId) })))
    .Item;

describe("the scoring model", () => {
  it("is versioned: a stale If-Match is a 412, and nothing changes", async () => {
    expect(model.version).toBe(1);
    expect(await getScoringModel()).toEqual(model);
    const error = await rejectionOf(putScoringModel({ fitRules: [], engagementRules: [] }, 0, "x"));
    expect(error).toMatchObject({
      kind: "precondition_failed",
      code: "lead-scoring-model.version_mismatch",
      extensions: { currentVersion: 1 },
    });
    expect(await getScoringModel()).toEqual(model);
  });
});

describe("fit", () => {
  it("scores a new lead on its attributes, once its creation is handled", async () => {
    const created = await createLead(leadInput(), admin);
    expect(created.score).toBe(0);
    const outcome = await handleScoringEvent(leadCreated(created));
    expect(outcome).toEqual({ outcome: "scored", leads: [{ leadId: created.id, score: 35 }] });
    const lead = await getLead(created.id);
    expect(lead).toMatchObject({ score: 35, version: 2, updatedBy: SCORING_ACTOR });
    expect(lead.scoreBreakdown).toEqual([
      { rule: "title-head", category: "fit", points: 20, detail: 'title contains "head"' },
      { rule: "software", category: "fit", points: 15, detail: 'industry is "software"' },
    ]);
  });

  it("re-scores when a fit attribute changes, and not for other changes or its own writes", async () => {
    const lead = await knownLead();
    const changed = await updateLead(lead.id, { title: "Analyst" }, undefined, admin);
    expect(
      await handleScoringEvent(
        leadUpdated(changed, { title: { from: lead.title, to: "Analyst" } }),
      ),
    ).toMatchObject({ outcome: "scored", leads: [{ score: 15 }] });
    const rescored = await getLead(lead.id);
    expect(rescored.score).toBe(15);

    const noted = await updateLead(lead.id, { message: "Call me" }, undefined, admin);
    expect(await handleScoringEvent(leadUpdated(noted, { message: { to: "Call me" } }))).toEqual({
      outcome: "ignored",
      reason: "no_fit_change",
    });
    // A score write is announced as lead.score_changed; were it a lead.updated, it is still ours.
    expect(
      await handleScoringEvent(
        leadUpdated(rescored, { score: { from: 35, to: 15 } }, SCORING_ACTOR),
      ),
    ).toEqual({ outcome: "ignored", reason: "own_write" });
    expect((await getLead(lead.id)).version).toBe(noted.version);
  });
});

describe("engagement signals", () => {
  it("are recorded once per event, however often it is delivered, and scored once", async () => {
    const lead = await knownLead();
    const event = clicked(lead.email as string);
    const first = await handleScoringEvent(event);
    expect(first).toEqual({
      outcome: "scored",
      leads: [{ leadId: lead.id, signal: "recorded", score: 40 }],
    });
    const scored = await getLead(lead.id);
    expect(scored.version).toBe(lead.version + 1);

    // Redelivered: by the bus (same id), and by the integration (a new EventBridge id).
    expect(await handleScoringEvent(event)).toEqual({
      outcome: "scored",
      leads: [{ leadId: lead.id, signal: "duplicate", score: 40 }],
    });
    await eventsHandler({ ...event, id: "another-put-of-the-same-click" }, lambdaContext);
    expect(await signalItems(lead.id)).toHaveLength(1);
    expect((await getLead(lead.id)).version).toBe(scored.version);
  });

  it("are capped per rule, and reach every open lead with the address", async () => {
    const email = `shared-${newId("x").slice(-6).toLowerCase()}@cobol.example`;
    const first = await knownLead({ email });
    const second = await knownLead({ email, title: "Student", industry: "Education" });
    for (let i = 0; i < 4; i++) await handleScoringEvent(clicked(email));
    expect((await getLead(first.id)).score).toBe(35 + 15);
    expect((await getLead(second.id)).score).toBe(15);
  });

  it("from concurrent events all count", async () => {
    const lead = await knownLead();
    await Promise.all(
      [1, 2, 3].map((n) =>
        handleScoringEvent(
          activityEvent("created", { id: newId("act"), version: 1, leadIds: [lead.id] }),
        ).then(() => n),
      ),
    );
    expect((await getLead(lead.id)).score).toBe(35 + 30);
    const state = await getScoringState(lead.id);
    expect(state).toMatchObject({ revision: 3, scoredRevision: 3, score: 65 });
  });

  it("from activities follow the activity: linked, unlinked, deleted, and late deliveries", async () => {
    const lead = await knownLead();
    const other = await knownLead();
    const id = newId("act");
    const created = activityEvent("created", { id, version: 1, leadIds: [lead.id] });
    await handleScoringEvent(created);
    expect((await getLead(lead.id)).score).toBe(45);

    // Moved to the other lead.
    const moved = activityEvent("updated", {
      id,
      version: 2,
      leadIds: [other.id],
      linkedBefore: [lead.id],
    });
    expect(await handleScoringEvent(moved)).toMatchObject({
      leads: [
        { leadId: other.id, signal: "recorded", score: 45 },
        { leadId: lead.id, signal: "withdrawn", score: 35 },
      ],
    });

    // The creation delivered again, late: the withdrawal is newer and stays.
    expect(await handleScoringEvent(created)).toMatchObject({
      leads: [{ leadId: lead.id, signal: "duplicate", score: 35 }],
    });
    // A note is not a call: the calls rule no longer counts it.
    await handleScoringEvent(
      activityEvent("updated", { id, version: 3, type: "note", leadIds: [other.id] }),
    );
    expect((await getLead(other.id)).score).toBe(35);
    await handleScoringEvent(
      activityEvent("updated", { id, version: 4, type: "call", leadIds: [other.id] }),
    );
    expect((await getLead(other.id)).score).toBe(45);
    await handleScoringEvent(activityEvent("deleted", { id, version: 4, leadIds: [other.id] }));
    expect((await getLead(other.id)).score).toBe(35);
    expect(await listSignals(other.id, new Date())).toEqual([]);
  });

  it("ignore activities without leads, and reject integrations' invalid events", async () => {
    expect(
      await handleScoringEvent(
        activityEvent("created", { id: newId("act"), version: 1, leadIds: [] }),
      ),
    ).toEqual({ outcome: "ignored", reason: "no_lead_linked" });
    const lead = await knownLead();
    const invalid = clicked(lead.email as string, { url: "javascript:alert(1)", extra: true });
    const outcome = await handleScoringEvent(invalid);
    expect(outcome.outcome).toBe("rejected");
    expect(JSON.stringify(outcome)).not.toContain(lead.email as string);
    expect(
      await handleScoringEvent({ ...clicked(lead.email as string), source: "integration.Bad" }),
    ).toMatchObject({ outcome: "rejected" });
    expect(await signalItems(lead.id)).toHaveLength(0);
    expect(
      await handleScoringEvent(
        engagementEvent(EngagementEvents.PageVisited, {
          email: "nobody@nowhere.example",
          url: "https://x.example/",
        }),
      ),
    ).toEqual({ outcome: "no_lead", reason: "no_lead_with_email" });
  });

  it("follow a lead's address as it changes", async () => {
    const lead = await knownLead();
    const email = lead.email as string;
    const moved = `moved-${email}`;
    const changed = await updateLead(lead.id, { email: moved }, undefined, admin);
    expect(
      await handleScoringEvent(leadUpdated(changed, { email: { from: email, to: moved } })),
    ).toEqual({ outcome: "ignored", reason: "address_moved" });
    expect((await handleScoringEvent(clicked(email))).outcome).toBe("no_lead");
    expect((await handleScoringEvent(clicked(moved))).outcome).toBe("scored");
  });

  it("leave converted leads alone", async () => {
    const lead = await knownLead();
    const converted = await markLeadConverted(lead.id, undefined, "user-bob", () => ({
      conversion: { contactId: newId("con") },
      extra: [],
    }));
    expect((await handleScoringEvent(clicked(lead.email as string))).outcome).toBe("no_lead");
    await handleScoringEvent(
      activityEvent("created", { id: newId("act"), version: 1, leadIds: [lead.id] }),
    );
    expect(await getLead(lead.id)).toEqual(converted);
    expect((await rescoreLead(lead.id))?.score).toBe(converted.score);
    const explanation = await explainLeadScore(lead.id);
    expect(explanation).toMatchObject({ total: 45, storedScore: 35, upToDate: false });
    expect(explanation.note).toContain("converted");
  });

  it("are deleted with their lead", async () => {
    const lead = await knownLead();
    await handleScoringEvent(clicked(lead.email as string));
    await deleteLead(lead.id, undefined, admin);
    expect(await handleScoringEvent(leadDeleted(lead.id, lead.version + 1))).toEqual({
      outcome: "purged",
      leadId: lead.id,
    });
    expect(await signalItems(lead.id)).toHaveLength(0);
    expect(await getScoringState(lead.id)).toBeUndefined();
    const entries = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": emailPartition(lead.email as string) },
      }),
    );
    expect(entries.Items).toEqual([]);
    expect(await rescoreLead(lead.id)).toBeUndefined();
    expect(await getScoringState(lead.id)).toBeUndefined();
  });
});

describe("re-scoring", () => {
  it("writes the lead only when the score or its breakdown changes", async () => {
    const lead = await knownLead();
    const meter = installRequestMeter(documentClient);
    try {
      const again = await meter.measure(() => rescoreLead(lead.id));
      expect(again.result?.version).toBe(lead.version);
      // State, lead, model and signals read; setLeadScore reads and finds nothing to write.
      expect(again.tally.requests).toEqual({ GetItem: 4, Query: 1 });
    } finally {
      meter.uninstall();
    }
    await handleScoringEvent(clicked(lead.email as string));
    const clickedLead = await getLead(lead.id);
    expect(clickedLead.version).toBe(lead.version + 1);
    expect(clickedLead.scoreBreakdown.at(-1)).toEqual({
      rule: "clicks",
      category: "engagement",
      points: 5,
      detail: "1 signal",
    });
  });

  it("puts a lead with decaying signals up for review the next night, and takes it off when settled", async () => {
    const lead = await knownLead();
    expect((await getScoringState(lead.id))?.nextReviewAt).toBeUndefined();
    const at = new Date();
    await handleScoringEvent(clicked(lead.email as string), at);
    const state = await rawState(lead.id);
    const tomorrow = new Date(
      Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1),
    ).toISOString();
    expect(state).toMatchObject({ nextReviewAt: tomorrow, gsi1pk: "lead-scoring#review" });
    // Seventy days on, a 5-point click at a 7-day half-life is worth nothing.
    const later = new Date(at.getTime() + 70 * 86_400_000);
    expect((await rescoreLead(lead.id, later))?.score).toBe(35);
    const settled = await rawState(lead.id);
    expect(settled?.nextReviewAt).toBeUndefined();
    expect(settled?.gsi1pk).toBeUndefined();
  });

  it("keeps the state's key in the lead's partition", () => {
    expect(stateKey("lead_1")).toEqual({ pk: "lead#lead_1", sk: "score-state" });
  });
});

describe("the explanation", () => {
  it("adds up to the stored score, rule by rule and signal by signal", async () => {
    const lead = await knownLead();
    await handleScoringEvent(
      activityEvent("created", { id: newId("act"), version: 1, leadIds: [lead.id] }),
    );
    const occurredAt = new Date(Date.now() - 7 * 86_400_000).toISOString();
    for (let i = 0; i < 4; i++) {
      await handleScoringEvent(clicked(lead.email as string, { occurredAt }));
    }
    const stored = await getLead(lead.id);
    const explanation = await explainLeadScore(lead.id);
    expect(explanation).toMatchObject({
      leadId: lead.id,
      total: stored.score,
      storedScore: stored.score,
      scoredAt: stored.scoredAt,
      upToDate: true,
      modelVersion: model.version,
      clamped: false,
    });
    expect(explanation.note).toBeUndefined();
    const lines = [...explanation.fit.rules, ...explanation.engagement.rules];
    expect(lines.reduce((sum, rule) => sum + rule.points, 0)).toBe(explanation.total);
    const clicks = explanation.engagement.rules.find((rule) => rule.rule === "clicks");
    // Four clicks a week old: 2.5 points each, 10 in all, under the cap of 15.
    expect(clicks).toMatchObject({
      pointsPerSignal: 5,
      cap: 15,
      capApplied: false,
      uncappedPoints: 10,
      points: 10,
    });
    expect(clicks?.signals).toHaveLength(4);
    expect(clicks?.signals[0]).toMatchObject({
      kind: "email_clicked",
      source: "integration.email-platform",
      originalPoints: 5,
      ageDays: 7,
      decayFactor: 0.5,
      currentPoints: 2.5,
    });
    expect(explanation.total).toBe(35 + 10 + 10);
  });

  it("is a 404 for a lead that does not exist", async () => {
    const error = await rejectionOf(explainLeadScore(newId("lead")));
    expect(error).toMatchObject({ kind: "not_found", code: "lead.not_found" });
  });
});
