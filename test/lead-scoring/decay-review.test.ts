import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "#lib/db/client";
import { handleScoringEvent } from "#lib/lead-scoring/consumer";
import { REVIEW_PARTITION } from "#lib/lead-scoring/keys";
import { reviewLeadScores } from "#lib/lead-scoring/review";
import { putScoringModel } from "#lib/lead-scoring/service";
import { getScoringState } from "#lib/lead-scoring/signal-store";
import { createLead, deleteLead, getLead } from "#lib/leads/service";
import { newId } from "#lib/records/ids";
import { activityEvent, admin, clicked, leadCreated, leadInput } from "#test/lead-scoring/support";
import { createTestTable } from "#test/support/dynamodb";

/**
 * The nightly review against DynamoDB Local: it finds exactly the leads whose signals still
 * decay, one Query of the review index per page, re-scores them to their decayed scores, and
 * rolls a new model out to every open lead, resuming where a run stopped.
 */
const DAY = 86_400_000;
const FAR = () => Date.now() + 600_000;

/** The review index's Queries, counted as the SDK sends them. */
const reviewQueries: string[] = [];
const MIDDLEWARE = "reviewQueryCounter";

beforeAll(async () => {
  await createTestTable("lead-score-review");
  await putScoringModel(
    {
      fitRules: [
        { id: "software", when: { attribute: "industry", values: ["software"] }, points: 10 },
      ],
      engagementRules: [
        {
          id: "clicks",
          signal: "email_clicked",
          points: 20,
          decay: { kind: "half_life", days: 1 },
        },
        { id: "calls", signal: "activity", points: 7, decay: { kind: "none" } },
      ],
    },
    0,
    admin.userId,
  );
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        IndexName?: string;
        ExpressionAttributeValues?: Record<string, unknown>;
      };
      if (
        context.commandName === "QueryCommand" &&
        input.IndexName === "gsi1" &&
        input.ExpressionAttributeValues?.[":pk"] === REVIEW_PARTITION
      ) {
        reviewQueries.push(String(input.ExpressionAttributeValues[":sort"]));
      }
      return next(args);
    },
    { step: "initialize", name: MIDDLEWARE, override: true },
  );
});

afterEach(() => {
  reviewQueries.length = 0;
});

const knownLead = async () => {
  const lead = await createLead(leadInput(), admin);
  await handleScoringEvent(leadCreated(lead));
  return lead;
};

describe("the nightly decay review", () => {
  it("re-scores exactly the leads whose signals decayed, one Query per page", async () => {
    const now = new Date();
    // Rolled out the model already: the first run walks every open lead.
    const first = await reviewLeadScores({ now, deadline: FAR() });
    expect(first.rollout.rolledOut).toBe(1);

    const clickedLeads = [await knownLead(), await knownLead(), await knownLead()];
    for (const lead of clickedLeads) await handleScoringEvent(clicked(lead.email as string), now);
    const fitOnly = await knownLead();
    const called = await knownLead();
    await handleScoringEvent(
      activityEvent("created", { id: newId("act"), version: 1, leadIds: [called.id] }),
      now,
    );
    // Deleted, and its deletion event lost: the review cleans up after it.
    const deleted = await knownLead();
    await handleScoringEvent(clicked(deleted.email as string), now);
    await deleteLead(deleted.id, undefined, admin);

    for (const lead of clickedLeads) expect((await getLead(lead.id)).score).toBe(30);
    expect((await getScoringState(fitOnly.id))?.nextReviewAt).toBeUndefined();
    // A call does not decay: its lead is due when the signal's retention ends, a year on.
    const calledReview = (await getScoringState(called.id))?.nextReviewAt;
    expect(Date.parse(calledReview ?? "") - now.getTime()).toBeGreaterThan(364 * DAY);

    // Nothing is due before the night.
    reviewQueries.length = 0;
    expect(await reviewLeadScores({ now, deadline: FAR() })).toMatchObject({
      decay: { due: 0, rescored: 0, gone: 0 },
    });
    expect(reviewQueries).toHaveLength(1);
    reviewQueries.length = 0;

    // Two days on, a click at a one-day half-life is worth a quarter: 5 points.
    const later = new Date(now.getTime() + 2 * DAY);
    const review = await reviewLeadScores({ now: later, deadline: FAR(), pageSize: 2 });
    expect(review).toEqual({
      rollout: { rescored: 0, rolledOut: undefined },
      decay: { due: 4, rescored: 3, gone: 1 },
      failed: 0,
    });
    // Four due leads, two a page: two Queries, and no third for an empty page.
    expect(reviewQueries).toHaveLength(2);
    for (const lead of clickedLeads) {
      expect((await getLead(lead.id)).score).toBe(15);
      const state = await getScoringState(lead.id);
      expect(Date.parse(state?.nextReviewAt ?? "")).toBeGreaterThan(later.getTime());
    }
    expect(await getScoringState(deleted.id)).toBeUndefined();
    expect((await getScoringState(called.id))?.nextReviewAt).toBe(calledReview);
    expect((await getLead(called.id)).score).toBe(17);

    // The same night again: they were moved on, so nothing is due.
    reviewQueries.length = 0;
    expect(await reviewLeadScores({ now: later, deadline: FAR() })).toMatchObject({
      decay: { due: 0 },
    });
    expect(reviewQueries).toHaveLength(1);

    // Once decayed away, a lead leaves the index for good.
    const muchLater = new Date(now.getTime() + 30 * DAY);
    expect(await reviewLeadScores({ now: muchLater, deadline: FAR() })).toMatchObject({
      decay: { due: 3, rescored: 3 },
    });
    for (const lead of clickedLeads) {
      expect((await getLead(lead.id)).score).toBe(10);
      expect((await getScoringState(lead.id))?.nextReviewAt).toBeUndefined();
    }
  });

  it("rolls a new model out to every open lead, resuming a run that ran out of time", async () => {
    const lead = await knownLead();
    expect((await getLead(lead.id)).score).toBe(10);
    await putScoringModel(
      {
        fitRules: [
          { id: "software", when: { attribute: "industry", values: ["software"] }, points: 40 },
        ],
        engagementRules: [],
      },
      undefined,
      admin.userId,
    );
    // No time left: nothing is done, and the decay pass waits for the roll-out.
    const stopped = await reviewLeadScores({ now: new Date(), deadline: Date.now() - 1 });
    expect(stopped).toMatchObject({ rollout: { rescored: 0 }, decay: { due: 0 } });
    expect(reviewQueries).toHaveLength(0);
    expect((await getLead(lead.id)).score).toBe(10);

    const resumed = await reviewLeadScores({ now: new Date(), deadline: FAR(), pageSize: 2 });
    expect(resumed.rollout.rolledOut).toBe(2);
    expect(resumed.rollout.rescored).toBeGreaterThanOrEqual(5);
    expect((await getLead(lead.id)).score).toBe(40);
    const again = await reviewLeadScores({ now: new Date(), deadline: FAR() });
    expect(again.rollout).toEqual({ rescored: 0, rolledOut: undefined });
  });
});
