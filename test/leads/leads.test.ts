import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createCustomField } from "#lib/custom-fields/service";
import { documentClient, tableName } from "#lib/db/client";
import type { Page } from "#lib/http/response";
import type { CreateLead, Lead, LeadStatus, ListLeadsQuery } from "#lib/leads/schema";
import {
  captureWebFormLead,
  changeLeadStatus,
  createLead,
  deleteLead,
  getLead,
  listLeads,
  markLeadConverted,
  setLeadScore,
  updateLead,
  WEB_FORM_ACTOR,
} from "#lib/leads/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

const alice: Principal = { userId: "alice", roles: ["sales"] };
const admin: Principal = { userId: "admin-1", roles: ["admin"] };

const lead = (over: Partial<CreateLead> = {}): CreateLead => ({
  firstName: "Grace",
  email: "grace@cobol.example",
  source: "import",
  status: "new",
  optedOut: false,
  customFields: {},
  ...over,
});

/** Every lead of a view, page by page (small pages, so paging is exercised too). */
const allOf = async (query: Omit<ListLeadsQuery, "limit" | "cursor">): Promise<Lead[]> => {
  const leads: Lead[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<Lead> = await listLeads({ ...query, limit: 2, cursor });
    leads.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return leads;
};

beforeAll(async () => {
  await createTestTable("leads");
  // Before any lead is written: each function instance caches the definitions it first reads.
  await createCustomField(
    { entity: "lead", key: "budget", label: "Budget", type: "number", required: false },
    admin,
  );
});

describe("lead records", () => {
  it("creates, reads, updates and deletes a lead, version by version", async () => {
    const created = await createLead(lead({ title: "CTO", ownerId: "alice" }), alice);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^lead_/),
      status: "new",
      score: 0,
      scoreBreakdown: [],
      version: 1,
      createdBy: "alice",
    });
    expect(await getLead(created.id)).toEqual(created);

    const updated = await updateLead(created.id, { title: null, employees: 40 }, 1, alice);
    expect(updated).toMatchObject({ version: 2, employees: 40 });
    expect(updated).not.toHaveProperty("title");

    expect(await rejectionOf(updateLead(created.id, { employees: 41 }, 1, alice))).toMatchObject({
      kind: "precondition_failed",
      code: "lead.version_mismatch",
    });
    await deleteLead(created.id, 2, alice);
    expect(await rejectionOf(getLead(created.id))).toMatchObject({ code: "lead.not_found" });
  });

  it("validates lead custom fields against their definitions", async () => {
    const created = await createLead(lead({ customFields: { budget: 5000 } }), alice);
    expect(created.customFields).toEqual({ budget: 5000 });
    expect(
      await rejectionOf(createLead(lead({ customFields: { budget: "lots" } }), alice)),
    ).toMatchObject({ code: "lead.invalid_custom_fields" });
    expect(
      await rejectionOf(createLead(lead({ customFields: { nickname: "x" } }), alice)),
    ).toMatchObject({ code: "lead.invalid_custom_fields" });
  });

  it("captures a web-form lead as new, unowned, from web_form, by the web-form actor", async () => {
    const captured = await captureWebFormLead({
      email: "visitor@example.com",
      form: "pricing-page",
      consent: false,
      honeypot: "",
    });
    expect(await getLead(captured.id)).toMatchObject({
      email: "visitor@example.com",
      source: "web_form",
      sourceDetail: "pricing-page",
      status: "new",
      optedOut: true,
      createdBy: WEB_FORM_ACTOR,
    });
    expect(captured).not.toHaveProperty("honeypot");
    expect(captured).not.toHaveProperty("ownerId");
  });
});

describe("status changes", () => {
  it("moves through valid transitions and refuses the others, writing nothing", async () => {
    const { id } = await createLead(lead(), alice);
    const working = await changeLeadStatus(id, { status: "working" }, undefined, "alice");
    expect(working).toMatchObject({ status: "working", version: 2 });
    const unqualified = await changeLeadStatus(
      id,
      { status: "unqualified", reason: "No budget" },
      2,
      "alice",
    );
    expect(unqualified).toMatchObject({ status: "unqualified", statusReason: "No budget" });

    expect(
      await rejectionOf(changeLeadStatus(id, { status: "new" }, undefined, "alice")),
    ).toMatchObject({ code: "lead.invalid_status_transition" });
    expect(
      await rejectionOf(changeLeadStatus(id, { status: "converted" }, undefined, "alice")),
    ).toMatchObject({ code: "lead.conversion_required" });
    expect((await getLead(id)).version).toBe(3);

    // Reopening drops the old reason; the same status again writes nothing.
    const reopened = await changeLeadStatus(id, { status: "working" }, undefined, "alice");
    expect(reopened).not.toHaveProperty("statusReason");
    const again = await changeLeadStatus(id, { status: "working" }, undefined, "alice");
    expect(again.version).toBe(reopened.version);
  });
});

describe("scores", () => {
  it("stores a score with its breakdown, and writes nothing when it is the same", async () => {
    const { id } = await createLead(lead(), alice);
    const breakdown = [{ rule: "title", category: "fit", points: 20 }];
    const scored = await setLeadScore(id, { score: 20, breakdown }, "lead-scoring");
    expect(scored).toMatchObject({ score: 20, scoreBreakdown: breakdown, version: 2 });
    expect(scored.scoredAt).toEqual(expect.any(String));
    const same = await setLeadScore(id, { score: 20, breakdown }, "lead-scoring");
    expect(same.version).toBe(2);
    expect(
      await rejectionOf(setLeadScore(id, { score: 1.5, breakdown }, "lead-scoring")),
    ).toMatchObject({ code: "lead.invalid_score" });
    expect(
      await rejectionOf(setLeadScore(id, { score: 2_000_000, breakdown }, "lead-scoring")),
    ).toMatchObject({ code: "lead.invalid_score" });
  });
});

describe("conversion", () => {
  it("converts once, in one transaction with what the lead became", async () => {
    const { id } = await createLead(lead(), alice);
    const marker = { pk: `test#conversion#${id}`, sk: "marker" };
    const converted = await markLeadConverted(id, undefined, "alice", () => ({
      conversion: { contactId: "con_01JD7QE5F6G7H8J9K0M1N2P3Q4" },
      extra: [{ label: "marker", item: { Put: { TableName: tableName(), Item: marker } } }],
    }));
    expect(converted).toMatchObject({
      status: "converted",
      conversion: { contactId: "con_01JD7QE5F6G7H8J9K0M1N2P3Q4", convertedBy: "alice" },
    });
    const again = await rejectionOf(
      markLeadConverted(id, undefined, "alice", () => ({
        conversion: { contactId: "con_other" },
        extra: [],
      })),
    );
    expect(again).toMatchObject({
      kind: "conflict",
      code: "lead.already_converted",
      extensions: { conversion: { contactId: "con_01JD7QE5F6G7H8J9K0M1N2P3Q4" } },
    });
    expect(await rejectionOf(updateLead(id, { title: "CEO" }, undefined, alice))).toMatchObject({
      code: "lead.already_converted",
    });
    expect(
      await rejectionOf(changeLeadStatus(id, { status: "working" }, undefined, "alice")),
    ).toMatchObject({ code: "lead.already_converted" });
  });

  it("converts nothing when the other writes of the transaction fail", async () => {
    const { id } = await createLead(lead(), alice);
    const taken = { pk: `test#taken#${id}`, sk: "guard" };
    await documentClient.send(new PutCommand({ TableName: tableName(), Item: taken }));
    await expect(
      markLeadConverted(id, undefined, "alice", () => ({
        conversion: { contactId: "con_01JD7QE5F6G7H8J9K0M1N2P3Q4" },
        extra: [
          {
            label: "contact",
            item: {
              Put: {
                TableName: tableName(),
                Item: taken,
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          },
        ],
      })),
    ).rejects.toThrow();
    expect(await getLead(id)).toMatchObject({ status: "new", version: 1 });
  });
});

describe("list views, one Query per page", () => {
  it("lists a status by score, highest first, whatever order the scores came in", async () => {
    const scores = [5, -20, 1000, 0, 999, 42, 10_000];
    const ids = new Map<string, number>();
    for (const score of scores) {
      const { id } = await createLead(lead({ status: "nurturing" }), alice);
      await setLeadScore(id, { score, breakdown: [] }, "lead-scoring");
      ids.set(id, score);
    }
    const listed = (await allOf({ status: "nurturing" })).filter((l) => ids.has(l.id));
    expect(listed.map((l) => l.score)).toEqual([...scores].sort((a, b) => b - a));
    expect(listed.every((l) => l.status === "nurturing")).toBe(true);
  });

  it("moves a lead between status views when its status changes", async () => {
    const { id } = await createLead(lead(), alice);
    const inStatus = async (status: LeadStatus) =>
      (await allOf({ status })).some((l) => l.id === id);
    expect(await inStatus("new")).toBe(true);
    await changeLeadStatus(id, { status: "qualified" }, undefined, "alice");
    expect(await inStatus("new")).toBe(false);
    expect(await inStatus("qualified")).toBe(true);
  });

  it("lists an owner's and a source's leads, newest first", async () => {
    const first = await createLead(lead({ ownerId: "owner-views", source: "referral" }), alice);
    const second = await createLead(lead({ ownerId: "owner-views", source: "referral" }), alice);
    await createLead(lead({ ownerId: "someone-else", source: "event" }), alice);
    expect((await allOf({ ownerId: "owner-views" })).map((l) => l.id)).toEqual([
      second.id,
      first.id,
    ]);
    expect((await allOf({ source: "referral" })).map((l) => l.id)).toEqual([second.id, first.id]);
  });

  it("needs exactly one view", async () => {
    expect(await rejectionOf(listLeads({}))).toMatchObject({ code: "lead.view_required" });
    expect(await rejectionOf(listLeads({ status: "new", source: "event" }))).toMatchObject({
      code: "lead.filters_not_combinable",
    });
  });
});
