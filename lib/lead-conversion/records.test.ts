import { describe, expect, it } from "vitest";
import { conversionConfig } from "#lib/lead-conversion/config";
import {
  companyFromLead,
  companySizeOf,
  contactFromLead,
  conversionIdsOf,
  endOfQuarter,
  personNameOf,
} from "#lib/lead-conversion/records";
import type { Lead } from "#lib/leads/schema";
import { idOf } from "#lib/records/common-schema";

const lead: Lead = {
  id: "lead_01JD3V7K8QW2X9Y4Z5A6B7C8D9",
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@engines.example",
  phone: "+44 20 7946 0958",
  title: "Head of Analytical Research and Development at the Engine Works Company",
  companyName: "Analytical Engines",
  domain: "engines.example",
  industry: "Computing",
  employees: 240,
  country: "GB",
  source: "referral",
  status: "qualified",
  statusChangedAt: "2026-01-01T00:00:00.000Z",
  ownerId: "seller-1",
  score: 80,
  scoreBreakdown: [],
  optedOut: false,
  customFields: { budget: 5 },
  version: 3,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  createdBy: "u",
  updatedBy: "u",
};
const stamp = { actor: "seller-1", at: "2026-02-01T10:00:00.000Z" };

describe("what a lead becomes", () => {
  it("derives the new records' ids from the lead's, valid for their own schemas", () => {
    const ids = conversionIdsOf(lead.id);
    expect(ids).toEqual({
      contactId: "con_01JD3V7K8QW2X9Y4Z5A6B7C8D9",
      companyId: "co_01JD3V7K8QW2X9Y4Z5A6B7C8D9",
      dealId: "deal_01JD3V7K8QW2X9Y4Z5A6B7C8D9",
    });
    expect(idOf("con").safeParse(ids.contactId).success).toBe(true);
    expect(idOf("co").safeParse(ids.companyId).success).toBe(true);
    expect(idOf("deal").safeParse(ids.dealId).success).toBe(true);
  });

  it("makes a contact of the person, associated with the company by job title", () => {
    const contact = contactFromLead(lead, "con_1", { companyId: "co_1", withDeal: true }, stamp);
    expect(contact).toEqual({
      id: "con_1",
      firstName: "Ada",
      lastName: "Lovelace",
      emails: ["ada@engines.example"],
      phones: [{ number: "+44 20 7946 0958", label: "work" }],
      jobTitle: lead.title,
      ownerId: "seller-1",
      lifecycleStage: "opportunity",
      tags: [],
      customFields: {},
      companies: [{ companyId: "co_1", role: lead.title?.slice(0, 60).trim() }],
      version: 1,
      createdAt: stamp.at,
      updatedAt: stamp.at,
      createdBy: "seller-1",
      updatedBy: "seller-1",
    });
    const bare = contactFromLead(
      { ...lead, title: undefined, phone: undefined, ownerId: undefined },
      "con_2",
      { companyId: "co_1", withDeal: false },
      stamp,
    );
    expect(bare).toMatchObject({
      lifecycleStage: "lead",
      phones: [],
      companies: [{ companyId: "co_1", role: "Contact" }],
    });
    expect(bare).not.toHaveProperty("ownerId");
    expect(bare).not.toHaveProperty("jobTitle");
  });

  it("makes a company of the organisation, sized by head count", () => {
    expect(companyFromLead(lead, "co_1", stamp)).toEqual({
      id: "co_1",
      name: "Analytical Engines",
      domain: "engines.example",
      industry: "Computing",
      size: "201-500",
      address: { country: "GB" },
      ownerId: "seller-1",
      tags: [],
      customFields: {},
      version: 1,
      createdAt: stamp.at,
      updatedAt: stamp.at,
      createdBy: "seller-1",
      updatedBy: "seller-1",
    });
    expect(companyFromLead({ ...lead, companyName: undefined }, "co_1", stamp).name).toBe(
      "engines.example",
    );
    expect([1, 10, 11, 50, 51, 500, 1000, 5000, 10_000, 10_001].map(companySizeOf)).toEqual([
      "1-10",
      "1-10",
      "11-50",
      "11-50",
      "51-200",
      "201-500",
      "501-1000",
      "1001-5000",
      "5001-10000",
      "10001+",
    ]);
  });

  it("names a deal without a company after the person, else their email", () => {
    expect(personNameOf(lead)).toBe("Ada Lovelace");
    expect(personNameOf({ ...lead, firstName: undefined })).toBe("Lovelace");
    expect(personNameOf({ ...lead, firstName: undefined, lastName: undefined })).toBe(
      "ada@engines.example",
    );
  });

  it("proposes the last day of the current quarter as the close date", () => {
    expect(endOfQuarter(new Date("2026-01-01T00:00:00Z"))).toBe("2026-03-31");
    expect(endOfQuarter(new Date("2026-05-15T12:00:00Z"))).toBe("2026-06-30");
    expect(endOfQuarter(new Date("2026-09-30T23:59:59Z"))).toBe("2026-09-30");
    expect(endOfQuarter(new Date("2026-12-31T23:59:59Z"))).toBe("2026-12-31");
  });

  it("requires qualified leads unless configured otherwise, and refuses other values", () => {
    expect(conversionConfig({})).toEqual({ requireQualified: true });
    expect(conversionConfig({ SALES_CONVERSION_REQUIRE_QUALIFIED: "false" })).toEqual({
      requireQualified: false,
    });
    expect(() => conversionConfig({ SALES_CONVERSION_REQUIRE_QUALIFIED: "no" })).toThrow(
      /must be "true" or "false"/,
    );
  });
});
