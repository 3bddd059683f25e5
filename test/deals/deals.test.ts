import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createCompany } from "#lib/companies/service";
import { createContact, deleteContact } from "#lib/contacts/service";
import { createCustomField } from "#lib/custom-fields/service";
import { documentClient, tableName } from "#lib/db/client";
import { SALES_CURRENCIES_VARIABLE } from "#lib/deals/currencies";
import { dealKey } from "#lib/deals/keys";
import type { CreateDeal, DealView } from "#lib/deals/schema";
import {
  createDeal,
  deleteDeal,
  getDeal,
  listDeals,
  moveDeal,
  updateDeal,
} from "#lib/deals/service";
import { forgetPipeline } from "#lib/pipelines/cache";
import type { Pipeline } from "#lib/pipelines/schema";
import { createPipeline, getPipeline, updatePipeline } from "#lib/pipelines/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const bob: Principal = { userId: "bob", roles: ["sales"] };
const carol: Principal = { userId: "carol", roles: ["sales"] };

const DAY = 24 * 60 * 60 * 1000;

const newPipeline = (name = "New business") =>
  createPipeline(
    {
      name,
      stages: [
        { name: "Qualified", winProbability: 20, closed: false, won: false, rottingDays: 7 },
        { name: "Proposal", winProbability: 60, closed: false, won: false },
        { name: "Won", winProbability: 100, closed: true, won: true },
        { name: "Lost", winProbability: 0, closed: true, won: false },
      ],
    },
    admin,
  );

const stageIdOf = (pipeline: Pipeline, name: string) => {
  const stage = pipeline.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return stage.id;
};

const dealInput = (pipeline: Pipeline, over: Partial<CreateDeal> = {}): CreateDeal => ({
  name: "Analytical Engines",
  amount: 120_000,
  lineItems: [],
  expectedCloseDate: "2026-12-15",
  pipelineId: pipeline.id,
  customFields: {},
  ...over,
});

const dealCounts = async (pipeline: Pipeline) =>
  (await getPipeline(pipeline.id)).stages.map((s) => s.dealCount);

const rawDeal = async (id: string) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: dealKey(id), ConsistentRead: true }),
    )
  ).Item;

let pipeline: Pipeline;
let other: Pipeline;

beforeAll(async () => {
  await createTestTable("deals");
  // Defined before the first deal write: an instance caches the definitions it first reads.
  await createCustomField(
    {
      entity: "deal",
      key: "source",
      label: "Source",
      type: "single_select",
      required: false,
      options: ["web", "event"],
    },
    admin,
  );
  pipeline = await newPipeline();
  other = await newPipeline("Renewals");
});

afterEach(() => {
  delete process.env[SALES_CURRENCIES_VARIABLE];
});

describe("creating deals", () => {
  it("starts in the first open stage, in the base currency, owned by its creator", async () => {
    const deal = await createDeal(dealInput(pipeline), bob);
    expect(deal).toMatchObject({
      id: expect.stringMatching(/^deal_/),
      amount: 120_000,
      currency: "EUR",
      pipelineId: pipeline.id,
      stageId: stageIdOf(pipeline, "Qualified"),
      status: "open",
      ownerId: "bob",
      rotting: false,
      idleDays: 0,
      version: 1,
    });
    expect(deal.stageHistory).toEqual([
      {
        pipelineId: pipeline.id,
        stageId: stageIdOf(pipeline, "Qualified"),
        enteredAt: deal.createdAt,
        enteredBy: "bob",
      },
    ]);
    expect(await getDeal(deal.id)).toEqual({
      ...deal,
      engagement: {
        lastActivityAt: null,
        activityCounts: { email: 0, call: 0, meeting: 0, note: 0, social: 0 },
      },
    });
  });

  it("derives the amount from line items", async () => {
    const deal = await createDeal(
      dealInput(pipeline, {
        amount: undefined,
        lineItems: [
          { name: "Licence", quantity: 3, unitPrice: 50_000 },
          { name: "Onboarding", quantity: 1, unitPrice: 7_500 },
        ],
      }),
      bob,
    );
    expect(deal.amount).toBe(157_500);
  });

  it("refuses a stage of another pipeline, an unknown pipeline and an unknown currency, writing nothing", async () => {
    const before = await dealCounts(other);
    const foreign = await rejectionOf(
      createDeal(dealInput(pipeline, { stageId: stageIdOf(other, "Qualified") }), bob),
    );
    expect(foreign).toMatchObject({
      kind: "unprocessable",
      code: "deal.stage_not_in_pipeline",
      extensions: { pipelineId: pipeline.id, stageId: stageIdOf(other, "Qualified") },
    });
    const unknownPipeline = await rejectionOf(
      createDeal(dealInput(pipeline, { pipelineId: "pip_01JD7QD4E5F6G7H8J9K0M1N2P0" }), bob),
    );
    expect(unknownPipeline).toMatchObject({ code: "deal.pipeline_not_found" });
    const currency = await rejectionOf(
      createDeal(dealInput(other, { currency: "USD", name: "Dollar deal" }), bob),
    );
    expect(currency).toMatchObject({
      kind: "unprocessable",
      code: "deal.currency_not_allowed",
      extensions: { currency: "USD", allowed: ["EUR"] },
    });
    expect(await dealCounts(other)).toEqual(before);
    expect((await listDeals({ pipelineId: other.id })).data).toEqual([]);
  });

  it("takes the currencies of the configuration", async () => {
    process.env[SALES_CURRENCIES_VARIABLE] = '{"base":"EUR","rates":{"USD":0.92}}';
    const deal = await createDeal(dealInput(pipeline, { currency: "USD" }), bob);
    expect(deal.currency).toBe("USD");
  });

  it("links an existing contact and company, and refuses missing ones by name", async () => {
    const contact = await createContact(
      {
        firstName: "Ada",
        emails: [],
        phones: [],
        lifecycleStage: "lead",
        tags: [],
        customFields: {},
      },
      bob,
    );
    const company = await createCompany({ name: "Engines", tags: [], customFields: {} }, bob);
    const deal = await createDeal(
      dealInput(pipeline, { contactId: contact.id, companyId: company.id }),
      bob,
    );
    expect((await listDeals({ contactId: contact.id })).data.map((d) => d.id)).toEqual([deal.id]);
    expect((await listDeals({ companyId: company.id })).data.map((d) => d.id)).toEqual([deal.id]);

    const gone = await createContact(
      {
        firstName: "Gone",
        emails: [],
        phones: [],
        lifecycleStage: "lead",
        tags: [],
        customFields: {},
      },
      bob,
    );
    await deleteContact(gone.id, undefined, bob);
    const counts = await dealCounts(pipeline);
    const missing = await rejectionOf(
      createDeal(
        dealInput(pipeline, { contactId: gone.id, companyId: "co_01JD7Q8A1B2C3D4E5F6G7H8J00" }),
        bob,
      ),
    );
    expect(missing).toMatchObject({
      kind: "unprocessable",
      code: "deal.linked_record_not_found",
      extensions: {
        missing: [`contact:${gone.id}`, "company:co_01JD7Q8A1B2C3D4E5F6G7H8J00"],
      },
    });
    expect(await dealCounts(pipeline)).toEqual(counts);
  });

  it("creates a deal in a closed stage only with what its outcome needs", async () => {
    const lostStage = stageIdOf(pipeline, "Lost");
    const noReason = await rejectionOf(
      createDeal(dealInput(pipeline, { stageId: lostStage }), bob),
    );
    expect(noReason).toMatchObject({ code: "deal.close_reason_required" });
    const openWithReason = await rejectionOf(
      createDeal(dealInput(pipeline, { closeReason: "Because" }), bob),
    );
    expect(openWithReason).toMatchObject({ code: "deal.close_reason_not_applicable" });
    const lost = await createDeal(
      dealInput(pipeline, { stageId: lostStage, closeReason: "Imported: lost in 2025" }),
      bob,
    );
    expect(lost).toMatchObject({
      status: "lost",
      closedAt: lost.createdAt,
      closeReason: "Imported: lost in 2025",
      rotting: false,
    });
    expect(lost).not.toHaveProperty("idleDays");
  });

  it("validates custom fields of deals against their definitions", async () => {
    const deal = await createDeal(dealInput(pipeline, { customFields: { source: "web" } }), bob);
    expect(deal.customFields).toEqual({ source: "web" });
    const wrong = await rejectionOf(
      createDeal(dealInput(pipeline, { customFields: { source: "fax" } }), bob),
    );
    expect(wrong).toMatchObject({ kind: "invalid" });
  });

  it("counts every one of many concurrent creates in the same stage", async () => {
    const fresh = await newPipeline("Busy");
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createDeal(dealInput(fresh, { name: `Deal ${i}` }), bob)),
    );
    expect(created).toHaveLength(8);
    expect(await dealCounts(fresh)).toEqual([8, 0, 0, 0]);
  });
});

describe("moving deals through the stages", () => {
  it("records each stage with its duration, moves the counters, and wins with a reason", async () => {
    const fresh = await newPipeline("Journey");
    const deal = await createDeal(dealInput(fresh), bob);
    const proposal = await moveDeal(deal.id, { stageId: stageIdOf(fresh, "Proposal") }, 1, bob);
    expect(proposal).toMatchObject({
      stageId: stageIdOf(fresh, "Proposal"),
      status: "open",
      version: 2,
    });
    expect(await dealCounts(fresh)).toEqual([0, 1, 0, 0]);

    const won = await moveDeal(
      deal.id,
      { stageId: stageIdOf(fresh, "Won"), reason: "Best fit" },
      undefined,
      carol,
    );
    expect(won).toMatchObject({
      status: "won",
      closedAt: won.updatedAt,
      closeReason: "Best fit",
      updatedBy: "carol",
      version: 3,
    });
    expect(won.stageHistory.map((h) => [h.stageId, h.enteredBy, h.reason])).toEqual([
      [stageIdOf(fresh, "Qualified"), "bob", undefined],
      [stageIdOf(fresh, "Proposal"), "bob", undefined],
      [stageIdOf(fresh, "Won"), "carol", "Best fit"],
    ]);
    const [first, second, third] = won.stageHistory;
    expect(first?.leftAt).toBe(second?.enteredAt);
    expect(second?.leftAt).toBe(third?.enteredAt);
    expect(third?.leftAt).toBeUndefined();
    for (const entry of [first, second]) {
      expect(entry?.durationSeconds).toBe(
        Math.floor(
          (Date.parse(String(entry?.leftAt)) - Date.parse(String(entry?.enteredAt))) / 1000,
        ),
      );
    }
    expect(await dealCounts(fresh)).toEqual([0, 0, 1, 0]);
    // The write names its event: the stream publisher announces deal.won.
    expect((await rawDeal(deal.id))?.changeVerb).toBe("won");
  });

  it("needs a reason to lose, refuses a move to the same stage, and reopens", async () => {
    const deal = await createDeal(dealInput(pipeline), bob);
    const lostStage = stageIdOf(pipeline, "Lost");
    const noReason = await rejectionOf(moveDeal(deal.id, { stageId: lostStage }, undefined, bob));
    expect(noReason).toMatchObject({ kind: "unprocessable", code: "deal.close_reason_required" });
    const same = await rejectionOf(
      moveDeal(deal.id, { stageId: stageIdOf(pipeline, "Qualified") }, undefined, bob),
    );
    expect(same).toMatchObject({ kind: "conflict", code: "deal.already_in_stage" });
    expect((await getDeal(deal.id)).version).toBe(1);

    const lost = await moveDeal(deal.id, { stageId: lostStage, reason: "Price" }, undefined, bob);
    expect(lost).toMatchObject({ status: "lost", closeReason: "Price" });
    expect((await rawDeal(deal.id))?.changeVerb).toBe("lost");

    const reopened = await moveDeal(
      deal.id,
      { stageId: stageIdOf(pipeline, "Proposal"), reason: "They came back" },
      undefined,
      bob,
    );
    expect(reopened.status).toBe("open");
    expect(reopened).not.toHaveProperty("closedAt");
    expect(reopened).not.toHaveProperty("closeReason");
    expect(reopened.stageHistory.at(-2)).toMatchObject({ stageId: lostStage, reason: "Price" });
    expect((await rawDeal(deal.id))?.changeVerb).toBe("stage_changed");
  });

  it("refuses a stage of another pipeline unless the move names that pipeline", async () => {
    const deal = await createDeal(dealInput(pipeline), bob);
    const counts = await dealCounts(pipeline);
    const foreign = await rejectionOf(
      moveDeal(deal.id, { stageId: stageIdOf(other, "Proposal") }, undefined, bob),
    );
    expect(foreign).toMatchObject({ code: "deal.stage_not_in_pipeline" });
    expect(await getDeal(deal.id)).toMatchObject({ version: 1, pipelineId: pipeline.id });
    expect(await dealCounts(pipeline)).toEqual(counts);

    const otherCounts = await dealCounts(other);
    const moved = await moveDeal(
      deal.id,
      { pipelineId: other.id, stageId: stageIdOf(other, "Proposal") },
      undefined,
      bob,
    );
    expect(moved.pipelineId).toBe(other.id);
    expect(await dealCounts(pipeline)).toEqual([(counts[0] ?? 0) - 1, ...counts.slice(1)]);
    expect(await dealCounts(other)).toEqual([
      otherCounts[0],
      (otherCounts[1] ?? 0) + 1,
      ...otherCounts.slice(2),
    ]);
    expect(
      (await listDeals({ pipelineId: other.id, stageId: stageIdOf(other, "Proposal") })).data.map(
        (d) => d.id,
      ),
    ).toContain(deal.id);
  });

  it("honours If-Match on moves", async () => {
    const deal = await createDeal(dealInput(pipeline), bob);
    const stale = await rejectionOf(
      moveDeal(deal.id, { stageId: stageIdOf(pipeline, "Proposal") }, 2, bob),
    );
    expect(stale).toMatchObject({ kind: "precondition_failed", code: "deal.version_mismatch" });
  });

  it("sees a stage added to the pipeline after the pipeline was cached", async () => {
    const fresh = await newPipeline("Growing");
    const deal = await createDeal(dealInput(fresh), bob);
    // Another instance adds a stage: this one's cache does not know it.
    const updated = await updatePipeline(
      fresh.id,
      {
        stages: [
          ...fresh.stages.slice(0, 2).map((s) => ({ ...s })),
          { name: "Negotiation", winProbability: 80, closed: false, won: false },
          ...fresh.stages.slice(2).map((s) => ({ ...s })),
        ],
      },
      undefined,
      admin,
    );
    forgetPipeline(fresh.id);
    const moved = await moveDeal(
      deal.id,
      { stageId: stageIdOf(updated, "Negotiation") },
      undefined,
      bob,
    );
    expect(moved.stageId).toBe(stageIdOf(updated, "Negotiation"));
  });
});

describe("changing deals", () => {
  it("keeps the amount the sum of the line items", async () => {
    const deal = await createDeal(
      dealInput(pipeline, {
        amount: undefined,
        lineItems: [{ name: "Licence", quantity: 2, unitPrice: 10_000 }],
      }),
      bob,
    );
    const mismatch = await rejectionOf(updateDeal(deal.id, { amount: 5 }, undefined, bob));
    expect(mismatch).toMatchObject({
      kind: "unprocessable",
      code: "deal.amount_mismatch",
      extensions: { lineItemsTotal: 20_000 },
    });
    const more = await updateDeal(
      deal.id,
      { lineItems: [{ name: "Licence", quantity: 5, unitPrice: 10_000 }] },
      undefined,
      bob,
    );
    expect(more.amount).toBe(50_000);
    const cleared = await updateDeal(deal.id, { lineItems: [], amount: 42 }, undefined, bob);
    expect(cleared).toMatchObject({ lineItems: [], amount: 42, version: 3 });
  });

  it("refuses an unknown currency and changes nothing", async () => {
    const deal = await createDeal(dealInput(pipeline), bob);
    const error = await rejectionOf(
      updateDeal(deal.id, { currency: "JPY", name: "Renamed" }, undefined, bob),
    );
    expect(error).toMatchObject({ code: "deal.currency_not_allowed" });
    expect(await getDeal(deal.id)).toMatchObject({ version: 1, currency: "EUR", name: deal.name });
  });

  it("moves the owner list and removes an association with null", async () => {
    const company = await createCompany({ name: "Owned", tags: [], customFields: {} }, bob);
    const deal = await createDeal(dealInput(pipeline, { companyId: company.id }), bob);
    const changed = await updateDeal(
      deal.id,
      { ownerId: "dave", companyId: null, expectedCloseDate: "2027-01-31" },
      1,
      bob,
    );
    expect(changed).toMatchObject({ ownerId: "dave", expectedCloseDate: "2027-01-31" });
    expect(changed).not.toHaveProperty("companyId");
    expect((await listDeals({ ownerId: "dave" })).data.map((d) => d.id)).toEqual([deal.id]);
    expect((await listDeals({ companyId: company.id })).data).toEqual([]);
  });

  it("deletes a deal and its stage's count with it", async () => {
    const fresh = await newPipeline("Short-lived");
    const deal = await createDeal(dealInput(fresh), bob);
    await deleteDeal(deal.id, 1, bob);
    expect(await dealCounts(fresh)).toEqual([0, 0, 0, 0]);
    expect((await rejectionOf(getDeal(deal.id))).code).toBe("deal.not_found");
  });
});

describe("lists and the board", () => {
  it("serves a board column soonest close date first, a page at a time", async () => {
    const board = await newPipeline("Board");
    const dates = ["2027-03-01", "2026-12-01", "2027-01-15"];
    for (const expectedCloseDate of dates) {
      await createDeal(dealInput(board, { expectedCloseDate }), bob);
    }
    await createDeal(dealInput(board, { stageId: stageIdOf(board, "Proposal") }), bob);
    const qualified = stageIdOf(board, "Qualified");
    const first = await listDeals({ pipelineId: board.id, stageId: qualified, limit: 2 });
    expect(first.data.map((d) => d.expectedCloseDate)).toEqual(["2026-12-01", "2027-01-15"]);
    const second = await listDeals({
      pipelineId: board.id,
      stageId: qualified,
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.data.map((d) => d.expectedCloseDate)).toEqual(["2027-03-01"]);
    expect(second.nextCursor).toBeNull();
    expect((await listDeals({ pipelineId: board.id })).data).toHaveLength(4);
  });

  it("refuses combined filters", async () => {
    const error = await rejectionOf(
      listDeals({ ownerId: "bob", companyId: "co_01JD7Q8A1B2C3D4E5F6G7H8J00" }),
    );
    expect(error).toMatchObject({ kind: "invalid", code: "deal.filters_not_combinable" });
  });

  it("flags a deal idle in its stage beyond the stage's threshold when it is read", async () => {
    const deal = await createDeal(dealInput(pipeline), bob);
    // Eight days ago, as if it had sat there since (Qualified rots after 7 days).
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: dealKey(deal.id),
        UpdateExpression: "SET stageEnteredAt = :at",
        ExpressionAttributeValues: { ":at": new Date(Date.now() - 8 * DAY).toISOString() },
      }),
    );
    const read: DealView = await getDeal(deal.id);
    expect(read).toMatchObject({ rotting: true, idleDays: 8 });
    const listed = (await listDeals({ ownerId: "bob", limit: 100 })).data.find(
      (d) => d.id === deal.id,
    );
    expect(listed).toMatchObject({ rotting: true, idleDays: 8 });
    // Moving it on starts a new idle period.
    const moved = await moveDeal(
      deal.id,
      { stageId: stageIdOf(pipeline, "Proposal") },
      undefined,
      bob,
    );
    expect(moved).toMatchObject({ rotting: false, idleDays: 0 });
  });
});
