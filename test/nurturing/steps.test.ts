import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/nurture-steps/handler";
import type { Principal } from "#lib/auth/principal";
import { documentClient, tableName } from "#lib/db/client";
import { putAssignmentConfig } from "#lib/lead-assignment/service";
import { putScoringModel } from "#lib/lead-scoring/model";
import { leadKey } from "#lib/leads/keys";
import type { CreateLead, Lead } from "#lib/leads/schema";
import { changeLeadStatus, createLead, getLead, updateLead } from "#lib/leads/service";
import { followUpTaskIdOf } from "#lib/nurturing/follow-up";
import type { NurtureTouch } from "#lib/nurturing/schema";
import { evaluateLead, handOff, NURTURING_ACTOR, sendTouch } from "#lib/nurturing/steps";
import { getTask, listRelatedTasks } from "#lib/tasks/service";
import { lambdaContext } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

/** The nurturing tasks against DynamoDB Local, with the real leads, assignment and tasks. */

const admin: Principal = { userId: "user-admin", roles: ["admin"] };
const newLead = (fields: Partial<CreateLead> = {}): Promise<Lead> =>
  createLead(
    {
      firstName: "Grace",
      lastName: "Hopper",
      email: `grace-${Math.random().toString(36).slice(2)}@cobol.example`,
      source: "referral",
      status: "new",
      optedOut: false,
      customFields: {},
      ...fields,
    },
    admin,
  );

/** The lead's main item as stored, internal attributes included. */
const storedItem = async (id: string) =>
  (await documentClient.send(new GetCommand({ TableName: tableName(), Key: leadKey(id) }))).Item;

const touchOf = async (id: string) =>
  (await getLead(id)) as Lead & { readonly lastNurtureTouch?: NurtureTouch };

beforeAll(async () => {
  await createTestTable("nurturing");
});

describe("sending a touch", () => {
  it("records the step's touch on the lead, announced as lead.nurture_touch, and moves a new lead to nurturing", async () => {
    const lead = await newLead();
    expect(await sendTouch({ leadId: lead.id, stepIndex: 0, touch: "welcome" })).toEqual({
      outcome: "sent",
      step: 1,
      duplicate: false,
    });
    const after = await touchOf(lead.id);
    expect(after).toMatchObject({
      status: "nurturing",
      version: lead.version + 1,
      updatedBy: NURTURING_ACTOR,
      lastNurtureTouch: { step: 1, touch: "welcome" },
    });
    expect(after.statusChangedAt).toBe(after.lastNurtureTouch?.touchedAt);
    expect(await storedItem(lead.id)).toMatchObject({ changeVerb: "nurture_touch" });
  });

  it("sends each step once: a retried task writes nothing", async () => {
    const lead = await newLead();
    await sendTouch({ leadId: lead.id, stepIndex: 0, touch: "welcome" });
    const first = await touchOf(lead.id);
    expect(await sendTouch({ leadId: lead.id, stepIndex: 0, touch: "welcome" })).toEqual({
      outcome: "sent",
      step: 1,
      duplicate: true,
    });
    expect((await touchOf(lead.id)).version).toBe(first.version);

    await sendTouch({ leadId: lead.id, stepIndex: 1, touch: "case-study" });
    const second = await touchOf(lead.id);
    expect(second).toMatchObject({
      status: "nurturing",
      version: first.version + 1,
      lastNurtureTouch: { step: 2, touch: "case-study" },
    });
    // A late retry of the first step finds a later one sent: nothing.
    await sendTouch({ leadId: lead.id, stepIndex: 0, touch: "welcome" });
    expect((await touchOf(lead.id)).version).toBe(second.version);
  });

  it("leaves a lead that sales is working on in its status", async () => {
    const lead = await newLead({ status: "working" });
    await sendTouch({ leadId: lead.id, stepIndex: 0, touch: "welcome" });
    expect(await touchOf(lead.id)).toMatchObject({
      status: "working",
      lastNurtureTouch: { step: 1 },
    });
  });

  it("stops, sending nothing, for a lead that opted out, was disqualified or qualified, or is gone", async () => {
    const optedOut = await newLead();
    await updateLead(optedOut.id, { optedOut: true }, undefined, admin);
    const unqualified = await newLead();
    await changeLeadStatus(unqualified.id, { status: "unqualified" }, undefined, "user-bob");
    const qualified = await newLead();
    await changeLeadStatus(qualified.id, { status: "qualified" }, undefined, "user-bob");
    const noEmail = await newLead();
    await updateLead(noEmail.id, { email: null }, undefined, admin);
    const cases = [
      [optedOut.id, "opted_out"],
      [noEmail.id, "no_email"],
      [unqualified.id, "unqualified"],
      [qualified.id, "already_qualified"],
      ["lead_01JNQ8V4ZK3M5N7P9Q1R2S3T4V", "lead_deleted"],
    ] as const;
    for (const [id, reason] of cases) {
      const before = await storedItem(id);
      expect(await sendTouch({ leadId: id, stepIndex: 0, touch: "welcome" }), reason).toEqual({
        outcome: "stop",
        reason,
      });
      expect(await storedItem(id), reason).toEqual(before);
    }
  });
});

describe("evaluating a lead after a touch", () => {
  beforeAll(async () => {
    await putScoringModel(
      {
        fitRules: [
          {
            id: "head-of",
            when: { attribute: "title", match: "contains", values: ["head"] },
            points: 60,
          },
        ],
        engagementRules: [],
      },
      undefined,
      "user-admin",
    );
  });

  it("re-scores the lead now, and hands it off once the score reaches the threshold", async () => {
    // Created before anything scored it: its stored score is still 0.
    const lead = await newLead({ title: "Head of Engineering", status: "nurturing" });
    expect(lead.score).toBe(0);
    expect(await evaluateLead({ leadId: lead.id, qualificationThreshold: 50 })).toEqual({
      outcome: "hand_off",
      score: 60,
    });
    expect((await getLead(lead.id)).score).toBe(60);
  });

  it("goes on with the next step below the threshold", async () => {
    const lead = await newLead({ title: "Engineer" });
    expect(await evaluateLead({ leadId: lead.id, qualificationThreshold: 50 })).toEqual({
      outcome: "continue",
      score: 0,
    });
    const head = await newLead({ title: "Head of Sales" });
    expect(await evaluateLead({ leadId: head.id, qualificationThreshold: 61 })).toEqual({
      outcome: "continue",
      score: 60,
    });
  });

  it("stops for a lead that must not be nurtured any more, whatever its score", async () => {
    const optedOut = await newLead({ title: "Head of Engineering", optedOut: true });
    expect(await evaluateLead({ leadId: optedOut.id, qualificationThreshold: 50 })).toEqual({
      outcome: "stop",
      reason: "opted_out",
    });
    const qualified = await newLead({ title: "Head of Engineering" });
    await changeLeadStatus(qualified.id, { status: "qualified" }, undefined, "user-bob");
    expect(await evaluateLead({ leadId: qualified.id, qualificationThreshold: 50 })).toEqual({
      outcome: "stop",
      reason: "already_qualified",
    });
    expect(
      await evaluateLead({ leadId: "lead_01JNQ8V4ZK3M5N7P9Q1R2S3T4X", qualificationThreshold: 5 }),
    ).toEqual({ outcome: "stop", reason: "lead_deleted" });
  });
});

describe("handing a lead off to sales", () => {
  it("qualifies it, keeps its owner, and creates the owner's follow-up task, once however often it runs", async () => {
    const lead = await newLead({ ownerId: "user-carol", status: "nurturing" });
    const result = await handOff({ leadId: lead.id });
    const taskId = followUpTaskIdOf(lead.id);
    expect(result).toEqual({ outcome: "handed_off", ownerId: "user-carol", taskId });
    const qualified = await getLead(lead.id);
    expect(qualified).toMatchObject({ status: "qualified", ownerId: "user-carol" });
    expect(await storedItem(lead.id)).toMatchObject({ changeVerb: "qualified" });

    const task = await getTask(taskId);
    expect(task).toMatchObject({
      assigneeId: "user-carol",
      status: "open",
      priority: "high",
      links: [{ entity: "lead", id: lead.id }],
      createdBy: NURTURING_ACTOR,
    });
    expect(task.title).toContain("Grace Hopper");

    // A retry (or a second delivery of the Task) changes nothing and creates nothing.
    expect(await handOff({ leadId: lead.id })).toEqual(result);
    expect((await getLead(lead.id)).version).toBe(qualified.version);
    const related = await listRelatedTasks("lead", lead.id, {});
    expect(related.data.map((t) => t.id)).toEqual([taskId]);
  });

  it("gives an owner-less lead an owner by the assignment rules", async () => {
    await putAssignmentConfig(
      {
        rules: [
          { name: "Referrals", when: { sources: ["referral"] }, assignTo: { userId: "user-dan" } },
        ],
        teams: [],
      },
      undefined,
      "user-admin",
    );
    const lead = await newLead();
    const result = await handOff({ leadId: lead.id });
    expect(result).toEqual({
      outcome: "handed_off",
      ownerId: "user-dan",
      taskId: followUpTaskIdOf(lead.id),
    });
    expect(await getLead(lead.id)).toMatchObject({ status: "qualified", ownerId: "user-dan" });
    expect(await getTask(followUpTaskIdOf(lead.id))).toMatchObject({ assigneeId: "user-dan" });
  });

  it("qualifies a lead no rule routes, without an owner or a task", async () => {
    const lead = await newLead({ source: "import" });
    expect(await handOff({ leadId: lead.id })).toEqual({
      outcome: "handed_off",
      ownerId: null,
      taskId: null,
    });
    expect(await getLead(lead.id)).toMatchObject({ status: "qualified" });
    expect((await getLead(lead.id)).ownerId).toBeUndefined();
  });

  it("stops instead for a lead that was disqualified, opted out or deleted meanwhile", async () => {
    const unqualified = await newLead({ ownerId: "user-carol" });
    await changeLeadStatus(unqualified.id, { status: "unqualified" }, undefined, "user-bob");
    expect(await handOff({ leadId: unqualified.id })).toEqual({
      outcome: "stop",
      reason: "unqualified",
    });
    const optedOut = await newLead({ ownerId: "user-carol", optedOut: true });
    expect(await handOff({ leadId: optedOut.id })).toEqual({
      outcome: "stop",
      reason: "opted_out",
    });
    expect(await getLead(optedOut.id)).toMatchObject({ status: "new" });
    expect(await handOff({ leadId: "lead_01JNQ8V4ZK3M5N7P9Q1R2S3T4W" })).toEqual({
      outcome: "stop",
      reason: "lead_deleted",
    });
  });
});

describe("the nurtureSteps function", () => {
  it("runs the action a Task state names and returns its result to the state machine", async () => {
    const lead = await newLead();
    const result = await handler(
      { action: "touch", leadId: lead.id, stepIndex: 0, touch: "welcome" },
      lambdaContext,
    );
    expect(result).toEqual({ outcome: "sent", step: 1, duplicate: false });
  });

  it("refuses input no Task state sends", async () => {
    for (const input of [
      {},
      { action: "dance", leadId: "lead_1" },
      { action: "touch", leadId: "lead_1", stepIndex: -1, touch: "welcome" },
      { action: "touch", leadId: "lead_1", stepIndex: 0, touch: "Not A Template" },
      { action: "hand_off", leadId: "lead_1", extra: true },
    ]) {
      await expect(handler(input, lambdaContext), JSON.stringify(input)).rejects.toThrow();
    }
  });
});
