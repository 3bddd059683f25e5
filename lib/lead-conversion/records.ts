import type { COMPANY_SIZES, Company } from "#lib/companies/schema";
import type { Contact } from "#lib/contacts/schema";
import type { Lead } from "#lib/leads/schema";

/**
 * What a lead's details become: the contact and the company a conversion creates, and the
 * defaults of its deal. Pure, so that a retried conversion plans exactly the same records.
 */

export interface ConversionIds {
  readonly contactId: string;
  readonly companyId: string;
  readonly dealId: string;
}

/**
 * The ids of the records a lead's conversion creates, derived from the lead's id
 * (`lead_01J…` -> `con_01J…`, `co_01J…`, `deal_01J…`): a retry, or a second request racing the
 * first, computes the same ids, so the records can only be created once (their puts are
 * conditioned on not existing). A lead converts once, so no other record can want these ids;
 * they sort by the lead's creation time rather than their own.
 */
export const conversionIdsOf = (leadId: string): ConversionIds => {
  const suffix = leadId.slice(leadId.indexOf("_") + 1);
  return { contactId: `con_${suffix}`, companyId: `co_${suffix}`, dealId: `deal_${suffix}` };
};

/** A contact needs a name or an email (as `POST /contacts` requires). */
export const hasPersonDetails = (lead: Lead): boolean =>
  lead.firstName !== undefined || lead.lastName !== undefined || lead.email !== undefined;

/** A company is created when the lead names one or gives its domain. */
export const hasCompanyDetails = (lead: Lead): boolean =>
  lead.companyName !== undefined || lead.domain !== undefined;

/** The size band of `COMPANY_SIZES` a head count falls in. */
export const companySizeOf = (employees: number): Company["size"] => {
  const bands: readonly [number, (typeof COMPANY_SIZES)[number]][] = [
    [10, "1-10"],
    [50, "11-50"],
    [200, "51-200"],
    [500, "201-500"],
    [1000, "501-1000"],
    [5000, "1001-5000"],
    [10_000, "5001-10000"],
  ];
  return bands.find(([upTo]) => employees <= upTo)?.[1] ?? "10001+";
};

/** The label of the contact's association with the company: the lead's job title, if any. */
export const associationRoleOf = (lead: Lead): string =>
  lead.title?.slice(0, 60).trim() || "Contact";

interface Stamp {
  readonly actor: string;
  readonly at: string;
}

const meta = ({ actor, at }: Stamp) => ({
  version: 1,
  createdAt: at,
  updatedAt: at,
  createdBy: actor,
  updatedBy: actor,
});

export const contactFromLead = (
  lead: Lead,
  id: string,
  links: { readonly companyId?: string | undefined; readonly withDeal: boolean },
  stamp: Stamp,
): Contact => ({
  id,
  ...(lead.firstName === undefined ? {} : { firstName: lead.firstName }),
  ...(lead.lastName === undefined ? {} : { lastName: lead.lastName }),
  emails: lead.email === undefined ? [] : [lead.email],
  phones: lead.phone === undefined ? [] : [{ number: lead.phone, label: "work" }],
  ...(lead.title === undefined ? {} : { jobTitle: lead.title }),
  ...(lead.ownerId === undefined ? {} : { ownerId: lead.ownerId }),
  // HubSpot's stages: a contact with a deal in progress is an opportunity.
  lifecycleStage: links.withDeal ? "opportunity" : "lead",
  tags: [],
  customFields: {},
  companies:
    links.companyId === undefined
      ? []
      : [{ companyId: links.companyId, role: associationRoleOf(lead) }],
  ...meta(stamp),
});

export const companyFromLead = (lead: Lead, id: string, stamp: Stamp): Company => ({
  id,
  // A lead with a domain and no company name: the domain is the best name there is.
  name: lead.companyName ?? lead.domain ?? id,
  ...(lead.domain === undefined ? {} : { domain: lead.domain }),
  ...(lead.industry === undefined ? {} : { industry: lead.industry }),
  ...(lead.employees === undefined ? {} : { size: companySizeOf(lead.employees) }),
  ...(lead.country === undefined ? {} : { address: { country: lead.country } }),
  ...(lead.ownerId === undefined ? {} : { ownerId: lead.ownerId }),
  tags: [],
  customFields: {},
  ...meta(stamp),
});

/** The person's name, else their email: what a deal without a company is named after. */
export const personNameOf = (lead: Lead): string | undefined =>
  [lead.firstName, lead.lastName].filter(Boolean).join(" ") || lead.email;

/**
 * The default expected close date of a converted lead's deal: the last day of the current
 * calendar quarter, in UTC (what Salesforce proposes on conversion).
 */
export const endOfQuarter = (now: Date): string => {
  const year = now.getUTCFullYear();
  const firstMonthOfNext = Math.floor(now.getUTCMonth() / 3) * 3 + 3;
  // Day 0 of the quarter's next month is the quarter's last day.
  return new Date(Date.UTC(year, firstMonthOfNext, 0)).toISOString().slice(0, 10);
};
