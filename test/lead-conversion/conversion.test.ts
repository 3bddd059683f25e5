import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { countersKey, domainGuardKey } from "#lib/companies/keys";
import { createCompany, getCompany } from "#lib/companies/service";
import { contactModel, emailGuardKey } from "#lib/contacts/keys";
import { createContact, getContact, listContacts } from "#lib/contacts/service";
import { createCustomField } from "#lib/custom-fields/service";
import { documentClient, tableName } from "#lib/db/client";
import { getRecord, type ItemKey } from "#lib/db/record-store";
import { SALES_CURRENCIES_VARIABLE } from "#lib/deals/currencies";
import { dealModel } from "#lib/deals/keys";
import { getDeal } from "#lib/deals/service";
import { conversionIdsOf } from "#lib/lead-conversion/records";
import { type ConvertLead, convertLeadBody } from "#lib/lead-conversion/schema";
import { convertLead } from "#lib/lead-conversion/service";
import { createLeadBody, type Lead } from "#lib/leads/schema";
import { changeLeadStatus, createLead, getLead } from "#lib/leads/service";
import type { Pipeline } from "#lib/pipelines/schema";
import { createPipeline, getPipeline } from "#lib/pipelines/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/**
 * Lead conversion against DynamoDB Local: one transaction, idempotent, concurrent conversions of
 * one lead, matching of existing contacts and companies (and races on them), and bad input that
 * must leave everything as it was.
 */
const admin: Principal = { userId: "admin-1", roles: ["admin"] };
const seller: Principal = { userId: "seller-1", roles: ["sales"] };

let pipeline: Pipeline;
let other: Pipeline;
let counter = 0;

const newPipeline = (name: string) =>
  createPipeline(
    {
      name,
      stages: [
        { name: "Discovery", winProbability: 20, closed: false, won: false },
        { name: "Proposal", winProbability: 60, closed: false, won: false },
        { name: "Won", winProbability: 100, closed: true, won: true },
        { name: "Lost", winProbability: 0, closed: true, won: false },
      ],
    },
    admin,
  );

const stageIdOf = (p: Pipeline, name: string) => p.stages.find((s) => s.name === name)?.id ?? "";

/** A lead with unique details, moved to `status` (qualified unless said otherwise). */
const newLead = async (
  over: Record<string, unknown> = {},
  status: "qualified" | "working" | "new" | "unqualified" = "qualified",
): Promise<Lead> => {
  const n = ++counter;
  const lead = await createLead(
    createLeadBody.parse({
      firstName: "Ada",
      lastName: `Lovelace ${n}`,
      email: `ada-${n}@engines-${n}.example`,
      phone: "+44 20 7946 0958",
      title: "Head of Research",
      companyName: `Analytical Engines ${n}`,
      domain: `engines-${n}.example`,
      industry: "Computing",
      employees: 120,
      country: "GB",
      source: "referral",
      ownerId: "seller-1",
      ...over,
    }),
    seller,
  );
  if (status === "new") return lead;
  return changeLeadStatus(lead.id, { status }, undefined, seller.userId);
};

const body = (input: Record<string, unknown> = {}): ConvertLead => convertLeadBody.parse(input);

const rawItem = async (key: ItemKey) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    )
  ).Item;

const dealCounts = async (p: Pipeline) => (await getPipeline(p.id)).stages.map((s) => s.dealCount);

/** Nothing of the lead's conversion exists: no contact, company or deal with its ids. */
const expectNothingCreated = async (lead: Lead) => {
  const ids = conversionIdsOf(lead.id);
  expect(await getRecord(contactModel, ids.contactId)).toBeUndefined();
  expect(await rawItem({ pk: `company#${ids.companyId}`, sk: "company" })).toBeUndefined();
  expect(await getRecord(dealModel, ids.dealId)).toBeUndefined();
  if (lead.email) expect(await rawItem(emailGuardKey(lead.email))).toBeUndefined();
  if (lead.domain) expect(await rawItem(domainGuardKey(lead.domain))).toBeUndefined();
  const after = await getLead(lead.id);
  expect(after.version).toBe(lead.version);
  expect(after.status).toBe(lead.status);
  expect(after.conversion).toBeUndefined();
};

beforeAll(async () => {
  await createTestTable("lead-conversion");
  pipeline = await newPipeline("New business");
  other = await newPipeline("Partners");
});

afterEach(() => {
  delete process.env[SALES_CURRENCIES_VARIABLE];
});

describe("converting a qualified lead", () => {
  it("creates the contact, the company and the deal, linked, and marks the lead converted", async () => {
    const lead = await newLead();
    const ids = conversionIdsOf(lead.id);
    const before = await dealCounts(pipeline);

    const result = await convertLead(
      lead.id,
      body({ createDeal: { pipelineId: pipeline.id, amount: 12_000_00 } }),
      lead.version,
      seller,
    );

    expect(result.contact).toEqual({ id: ids.contactId, created: true });
    expect(result.company).toEqual({ id: ids.companyId, created: true });
    expect(result.deal).toEqual({ id: ids.dealId, created: true });
    expect(result.lead).toMatchObject({
      status: "converted",
      version: lead.version + 1,
      conversion: {
        contactId: ids.contactId,
        companyId: ids.companyId,
        dealId: ids.dealId,
        convertedBy: "seller-1",
      },
    });
    expect(await getLead(lead.id)).toEqual(result.lead);

    const contact = await getContact(ids.contactId);
    expect(contact).toMatchObject({
      firstName: "Ada",
      lastName: lead.lastName,
      emails: [lead.email],
      phones: [{ number: "+44 20 7946 0958", label: "work" }],
      jobTitle: "Head of Research",
      ownerId: "seller-1",
      lifecycleStage: "opportunity",
      companies: [{ companyId: ids.companyId, role: "Head of Research" }],
    });
    expect((await rawItem(emailGuardKey(lead.email ?? "")))?.id).toBe(ids.contactId);

    const company = await getCompany(ids.companyId);
    expect(company).toMatchObject({
      name: lead.companyName,
      domain: lead.domain,
      industry: "Computing",
      size: "51-200",
      address: { country: "GB" },
    });
    expect((await rawItem(countersKey(ids.companyId)))?.contactCount).toBe(1);

    const deal = await getDeal(ids.dealId);
    expect(deal).toMatchObject({
      name: lead.companyName,
      amount: 12_000_00,
      currency: "EUR",
      pipelineId: pipeline.id,
      stageId: stageIdOf(pipeline, "Discovery"),
      status: "open",
      ownerId: "seller-1",
      contactId: ids.contactId,
      companyId: ids.companyId,
    });
    expect(deal.expectedCloseDate).toMatch(/^\d{4}-(03-31|06-30|09-30|12-31)$/);
    expect(await dealCounts(pipeline)).toEqual(before.map((n, i) => (i === 0 ? n + 1 : n)));
  });

  it("makes only a contact of a lead that names no company, and no deal unless asked", async () => {
    const lead = await newLead({ companyName: undefined, domain: undefined });
    const result = await convertLead(lead.id, body(), undefined, seller);
    expect(result.company).toBeUndefined();
    expect(result.deal).toBeUndefined();
    expect(result.lead.conversion).toEqual({
      contactId: conversionIdsOf(lead.id).contactId,
      convertedAt: result.lead.updatedAt,
      convertedBy: "seller-1",
    });
    expect(await getContact(result.contact.id)).toMatchObject({
      lifecycleStage: "lead",
      companies: [],
    });
  });

  it("puts the deal in the chosen stage, with its currency, close date and name", async () => {
    process.env[SALES_CURRENCIES_VARIABLE] = '{"base":"EUR","rates":{"USD":0.92}}';
    const lead = await newLead();
    const result = await convertLead(
      lead.id,
      body({
        createDeal: {
          pipelineId: pipeline.id,
          stageId: stageIdOf(pipeline, "Proposal"),
          name: "Engines for the Royal Society",
          amount: 5_000_00,
          currency: "usd",
          expectedCloseDate: "2026-11-30",
          ownerId: "seller-2",
        },
      }),
      undefined,
      seller,
    );
    expect(await getDeal(result.deal?.id ?? "")).toMatchObject({
      name: "Engines for the Royal Society",
      amount: 5_000_00,
      currency: "USD",
      expectedCloseDate: "2026-11-30",
      stageId: stageIdOf(pipeline, "Proposal"),
      ownerId: "seller-2",
    });
  });
});

describe("converting twice", () => {
  it("answers a repeat with the stored conversion and creates nothing more", async () => {
    const lead = await newLead();
    const first = await convertLead(
      lead.id,
      body({ createDeal: { pipelineId: pipeline.id, amount: 1_000_00 } }),
      lead.version,
      seller,
    );
    const counts = await dealCounts(pipeline);

    // The same request again, with the If-Match of the first (a client's retry).
    expect(
      await convertLead(
        lead.id,
        body({ createDeal: { pipelineId: pipeline.id, amount: 1_000_00 } }),
        lead.version,
        seller,
      ),
    ).toEqual(first);
    // Another request: a lead converts once, so it answers with what it became.
    expect(
      await convertLead(
        lead.id,
        body({ createDeal: { pipelineId: other.id, amount: 9 } }),
        undefined,
        admin,
      ),
    ).toEqual(first);
    expect(await dealCounts(pipeline)).toEqual(counts);
    expect((await getLead(lead.id)).version).toBe(first.lead.version);
    expect((await rawItem(countersKey(first.company?.id ?? "")))?.contactCount).toBe(1);
  });

  it("lets concurrent conversions of one lead make one contact, one company and one deal", async () => {
    const lead = await newLead({ firstName: "Concurrent" });
    const counts = await dealCounts(pipeline);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        convertLead(
          lead.id,
          body({ createDeal: { pipelineId: pipeline.id, amount: 2_000_00 } }),
          undefined,
          seller,
        ),
      ),
    );
    const ids = conversionIdsOf(lead.id);
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]?.contact).toEqual({ id: ids.contactId, created: true });

    const contacts = await listContacts({ q: "Concurrent" });
    expect(contacts.data.map((c) => c.id)).toEqual([ids.contactId]);
    expect((await rawItem(countersKey(ids.companyId)))?.contactCount).toBe(1);
    expect(await dealCounts(pipeline)).toEqual(counts.map((n, i) => (i === 0 ? n + 1 : n)));
    expect((await getLead(lead.id)).version).toBe(lead.version + 1);
  });
});

describe("existing contacts and companies", () => {
  it("links the contact with the lead's email and the company with its domain, without duplicates", async () => {
    const lead = await newLead();
    const contact = await createContact(
      {
        firstName: "Augusta Ada",
        emails: [lead.email ?? ""],
        phones: [],
        lifecycleStage: "customer",
        tags: ["vip"],
        customFields: {},
      },
      seller,
    );
    const company = await createCompany(
      { name: "Engines Ltd", domain: lead.domain ?? "", tags: [], customFields: {} },
      seller,
    );

    const result = await convertLead(
      lead.id,
      body({ createDeal: { pipelineId: pipeline.id } }),
      undefined,
      seller,
    );

    expect(result.contact).toEqual({ id: contact.id, created: false });
    expect(result.company).toEqual({ id: company.id, created: false });
    expect(result.deal?.created).toBe(true);
    const ids = conversionIdsOf(lead.id);
    expect(await getRecord(contactModel, ids.contactId)).toBeUndefined();
    expect(await rawItem({ pk: `company#${ids.companyId}`, sk: "company" })).toBeUndefined();
    // The existing contact keeps its details and is associated with the company.
    expect(await getContact(contact.id)).toMatchObject({
      firstName: "Augusta Ada",
      lifecycleStage: "customer",
      tags: ["vip"],
      version: 2,
      companies: [{ companyId: company.id, role: "Head of Research" }],
    });
    expect((await rawItem(countersKey(company.id)))?.contactCount).toBe(1);
    expect(await getDeal(result.deal?.id ?? "")).toMatchObject({
      name: "Engines Ltd",
      contactId: contact.id,
      companyId: company.id,
    });
  });

  it("links the records named in the request instead of any match", async () => {
    const lead = await newLead();
    const contact = await createContact(
      {
        firstName: "Charles",
        lastName: "Babbage",
        emails: [],
        phones: [],
        lifecycleStage: "lead",
        tags: [],
        customFields: {},
      },
      seller,
    );
    const company = await createCompany(
      { name: "Difference Engines", tags: [], customFields: {} },
      seller,
    );
    const result = await convertLead(
      lead.id,
      body({ contactId: contact.id, companyId: company.id }),
      undefined,
      seller,
    );
    expect(result.contact).toEqual({ id: contact.id, created: false });
    expect(result.company).toEqual({ id: company.id, created: false });
    // The lead's own email and domain were not used: nothing holds them.
    expect(await rawItem(emailGuardKey(lead.email ?? ""))).toBeUndefined();
    expect(await rawItem(domainGuardKey(lead.domain ?? ""))).toBeUndefined();
  });

  it("links the contact another request created between the conversion's read and its write", async () => {
    const lead = await newLead();
    const company = { name: "Rival Engines", domain: "", tags: [], customFields: {} };
    let rivals: { contactId: string; companyId: string } | undefined;
    let interposed = false;
    // Before the conversion's transaction goes out (its reads are done), another client
    // creates a contact with the lead's email and a company with its domain.
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "TransactWriteItemsCommand" && !interposed) {
          interposed = true;
          const contact = await createContact(
            {
              firstName: "Rival",
              emails: [lead.email ?? ""],
              phones: [],
              lifecycleStage: "lead",
              tags: [],
              customFields: {},
            },
            admin,
          );
          const created = await createCompany({ ...company, domain: lead.domain ?? "" }, admin);
          rivals = { contactId: contact.id, companyId: created.id };
        }
        return next(args);
      },
      { step: "initialize", name: "interposeRivals" },
    );
    try {
      const result = await convertLead(lead.id, body(), undefined, seller);
      expect(interposed).toBe(true);
      expect(result.contact).toEqual({ id: rivals?.contactId, created: false });
      expect(result.company).toEqual({ id: rivals?.companyId, created: false });
      const ids = conversionIdsOf(lead.id);
      expect(await getRecord(contactModel, ids.contactId)).toBeUndefined();
      expect(await rawItem({ pk: `company#${ids.companyId}`, sk: "company" })).toBeUndefined();
      expect((await getContact(rivals?.contactId ?? "")).companies).toEqual([
        { companyId: rivals?.companyId, role: "Head of Research" },
      ]);
    } finally {
      documentClient.middlewareStack.remove("interposeRivals");
    }
  });
});

describe("conversions that are refused, leaving everything as it was", () => {
  it("refuses a lead that is not qualified while qualification is required", async () => {
    for (const status of ["new", "working", "unqualified"] as const) {
      const lead = await newLead({}, status);
      const error = await rejectionOf(
        convertLead(lead.id, body({ createDeal: { pipelineId: pipeline.id } }), undefined, seller),
      );
      expect(error).toMatchObject({ kind: "conflict", code: "lead.not_qualified" });
      expect(error.extensions).toEqual({ id: lead.id, status });
      await expectNothingCreated(lead);
    }
  });

  it("converts a lead in any status when qualification is not required", async () => {
    const lead = await newLead({}, "working");
    const result = await convertLead(lead.id, body(), undefined, seller, {
      requireQualified: false,
    });
    expect(result.lead.status).toBe("converted");
  });

  it("refuses a stage of another pipeline", async () => {
    const lead = await newLead();
    const counts = await dealCounts(pipeline);
    const error = await rejectionOf(
      convertLead(
        lead.id,
        body({
          createDeal: { pipelineId: pipeline.id, stageId: stageIdOf(other, "Proposal") },
        }),
        undefined,
        seller,
      ),
    );
    expect(error).toMatchObject({ kind: "unprocessable", code: "deal.stage_not_in_pipeline" });
    await expectNothingCreated(lead);
    expect(await dealCounts(pipeline)).toEqual(counts);
  });

  it("refuses an unknown pipeline and a currency that is not configured", async () => {
    const lead = await newLead();
    const unknown = await rejectionOf(
      convertLead(
        lead.id,
        body({ createDeal: { pipelineId: "pip_01JD3V7K8QW2X9Y4Z5A6B7C8D9" } }),
        undefined,
        seller,
      ),
    );
    expect(unknown).toMatchObject({ kind: "unprocessable", code: "deal.pipeline_not_found" });
    const currency = await rejectionOf(
      convertLead(
        lead.id,
        body({ createDeal: { pipelineId: pipeline.id, amount: 100, currency: "GBP" } }),
        undefined,
        seller,
      ),
    );
    expect(currency).toMatchObject({ kind: "unprocessable", code: "deal.currency_not_allowed" });
    expect(currency.extensions).toEqual({ currency: "GBP", allowed: ["EUR"] });
    await expectNothingCreated(lead);
  });

  it("refuses a linked contact or company that does not exist", async () => {
    const lead = await newLead();
    for (const link of [
      { contactId: "con_01JD3V7K8QW2X9Y4Z5A6B7C8D9" },
      { companyId: "co_01JD3V7K8QW2X9Y4Z5A6B7C8D9" },
    ]) {
      const error = await rejectionOf(convertLead(lead.id, body(link), undefined, seller));
      expect(error).toMatchObject({ kind: "unprocessable", code: "lead.linked_record_not_found" });
    }
    await expectNothingCreated(lead);
  });

  it("refuses a lead with nobody to make a contact of, unless a contact is named", async () => {
    const lead = await newLead({ firstName: undefined, lastName: undefined, email: undefined });
    const error = await rejectionOf(convertLead(lead.id, body(), undefined, seller));
    expect(error).toMatchObject({ kind: "unprocessable", code: "lead.no_person_details" });
    await expectNothingCreated(lead);
  });

  it("answers an unknown lead with 404 and a stale If-Match with 412", async () => {
    const missing = await rejectionOf(
      convertLead("lead_01JD3V7K8QW2X9Y4Z5A6B7C8D9", body(), undefined, seller),
    );
    expect(missing).toMatchObject({ kind: "not_found", code: "lead.not_found" });
    const lead = await newLead();
    const stale = await rejectionOf(convertLead(lead.id, body(), lead.version - 1, seller));
    expect(stale).toMatchObject({ kind: "precondition_failed", code: "lead.version_mismatch" });
    await expectNothingCreated(lead);
  });

  it("refuses a deal's invalid custom fields under createDeal", async () => {
    const lead = await newLead();
    const error = await rejectionOf(
      convertLead(
        lead.id,
        body({ createDeal: { pipelineId: pipeline.id, customFields: { nope: 1 } } }),
        undefined,
        seller,
      ),
    );
    expect(error).toMatchObject({ code: "deal.invalid_custom_fields" });
    expect(error.fieldErrors.map((f) => f.path)).toEqual(["body.createDeal.customFields.nope"]);
    await expectNothingCreated(lead);
  });

  // Last: a required contact field stays defined for the rest of the file.
  it("refuses to create a contact that a required custom field would leave incomplete", async () => {
    const lead = await newLead();
    await createCustomField(
      { entity: "contact", key: "region", label: "Region", type: "text", required: true },
      admin,
    );
    const error = await rejectionOf(convertLead(lead.id, body(), undefined, seller));
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "lead.conversion_needs_custom_fields",
      extensions: { entity: "contact", fields: ["region"] },
    });
    await expectNothingCreated(lead);
  });
});
