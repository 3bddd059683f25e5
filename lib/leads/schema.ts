import * as z from "zod/mini";
import { domain } from "#lib/companies/schema";
import { email, phoneNumber } from "#lib/contacts/schema";
import { customFieldPatch, customFieldValues } from "#lib/custom-fields/values-schema";
import { engagementSchema } from "#lib/engagement/schema";
import { MAX_SCORE } from "#lib/leads/keys";
import { idOf, isoDateTime, pageQuery, recordMeta, userId } from "#lib/records/common-schema";

/** Where a lead came from. `web_form` leads arrive through the public capture route only. */
export const LEAD_SOURCES = [
  "web_form",
  "import",
  "event",
  "referral",
  "integration",
  "other",
] as const;

/**
 * The life of a lead. `converted` is terminal and reached only through conversion
 * (`markLeadConverted` in `lib/leads/service.ts`); every other change goes through
 * `changeLeadStatus`, which checks `LEAD_STATUS_TRANSITIONS`.
 */
export const LEAD_STATUSES = [
  "new",
  "working",
  "nurturing",
  "qualified",
  "unqualified",
  "converted",
] as const;

/** Scores are whole points within ±MAX_SCORE, defined with the sort key it bounds. */
export { MAX_SCORE };
export const MAX_SCORE_BREAKDOWN = 100;

export const leadId = idOf("lead");
export const leadSource = z.enum(LEAD_SOURCES);
export const leadStatus = z.enum(LEAD_STATUSES);
export type LeadSource = z.infer<typeof leadSource>;
export type LeadStatus = z.infer<typeof leadStatus>;

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
export const personName = text(100);
export const jobTitle = text(200);
export const companyName = text(200);
export const industry = text(100);
/** The contact's phone number schema, so that conversion copies a lead's phone as it is. */
export const phone = phoneNumber;
export const country = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z]{2}$/, "An ISO 3166-1 alpha-2 code"));
/** Head count of the lead's company; territory rules match ranges of it. */
export const employees = z.int().check(z.minimum(1), z.maximum(10_000_000));

/** Inclusive bounds on a head count; either may be left open. */
export interface EmployeeRange {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

/**
 * A rule's head-count condition (a territory's, a fit rule's): `min`, `max` or both, inclusive.
 * A fit condition is one object with its `attribute`, so it spreads the bounds and adds the
 * checks itself; a territory takes `employeeRange` whole.
 */
export const employeeBounds = {
  min: z.optional(z.int().check(z.minimum(1))),
  max: z.optional(z.int().check(z.minimum(1))),
};
export const employeeRangeChecks = [
  z.refine<EmployeeRange>(
    (r) => r.min !== undefined || r.max !== undefined,
    "Give min, max or both",
  ),
  z.refine<EmployeeRange>((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: "min must not exceed max",
    path: ["max"],
  }),
];
export const employeeRange = z.strictObject(employeeBounds).check(...employeeRangeChecks);

/** Whether a head count lies in a range; a lead without one lies in none. */
export const withinEmployees = (range: EmployeeRange, count: number | undefined): boolean =>
  count !== undefined &&
  (range.min === undefined || count >= range.min) &&
  (range.max === undefined || count <= range.max);

export const sourceDetail = text(200);
export const message = text(2000);
export const statusReason = text(500);
export const score = z.int().check(z.minimum(-MAX_SCORE), z.maximum(MAX_SCORE));

/** One rule's part of a score, so that `GET /leads/{id}/score` can explain it rule by rule. */
export const scoreBreakdownEntry = z.object({
  /** The scoring rule's id or name. */
  rule: z.string().check(z.minLength(1), z.maxLength(100)),
  /** `fit`, `engagement`, `decay`, …: the scoring capability's own categories. */
  category: z.string().check(z.minLength(1), z.maxLength(40)),
  points: z.int().check(z.minimum(-MAX_SCORE), z.maximum(MAX_SCORE)),
  detail: z.optional(z.string().check(z.maxLength(500))),
});
export const scoreBreakdown = z.array(scoreBreakdownEntry).check(z.maxLength(MAX_SCORE_BREAKDOWN));
export type ScoreBreakdownEntry = z.infer<typeof scoreBreakdownEntry>;

/** What a lead became, set once by conversion. */
export const leadConversion = z.object({
  contactId: z.string(),
  companyId: z.optional(z.string()),
  dealId: z.optional(z.string()),
  convertedAt: isoDateTime,
  convertedBy: userId,
});
export type LeadConversion = z.infer<typeof leadConversion>;

/** Person and company details: the same fields on create, on the web form and on PATCH. */
const details = {
  firstName: personName,
  lastName: personName,
  email,
  phone,
  title: jobTitle,
  companyName,
  domain,
  industry,
  employees,
  country,
};

const hasIdentity = (lead: {
  firstName?: unknown;
  lastName?: unknown;
  email?: unknown;
  companyName?: unknown;
}) =>
  lead.firstName !== undefined ||
  lead.lastName !== undefined ||
  lead.email !== undefined ||
  lead.companyName !== undefined;

export const createLeadBody = z
  .strictObject({
    firstName: z.optional(details.firstName),
    lastName: z.optional(details.lastName),
    email: z.optional(details.email),
    phone: z.optional(details.phone),
    title: z.optional(details.title),
    companyName: z.optional(details.companyName),
    domain: z.optional(details.domain),
    industry: z.optional(details.industry),
    employees: z.optional(details.employees),
    country: z.optional(details.country),
    message: z.optional(message),
    // A web form lead comes through POST /web-forms/leads, never through here.
    source: z.enum(LEAD_SOURCES.filter((s) => s !== "web_form") as [LeadSource, ...LeadSource[]]),
    sourceDetail: z.optional(sourceDetail),
    // A new lead is new, working or nurturing; qualification and conversion are later steps.
    status: z._default(z.enum(["new", "working", "nurturing"]), "new"),
    ownerId: z.optional(userId),
    optedOut: z._default(z.boolean(), false),
    customFields: z._default(customFieldValues, {}),
  })
  .check(
    z.refine(hasIdentity, {
      message: "A lead needs a first name, a last name, an email or a company name",
      path: ["firstName"],
    }),
  );

/**
 * PATCH: every field optional, `null` clears an optional one. Status, score and conversion are
 * not here: each changes through its own operation, so that every status change is validated
 * and announced explicitly.
 */
export const updateLeadBody = z
  .strictObject({
    firstName: z.optional(z.nullable(details.firstName)),
    lastName: z.optional(z.nullable(details.lastName)),
    email: z.optional(z.nullable(details.email)),
    phone: z.optional(z.nullable(details.phone)),
    title: z.optional(z.nullable(details.title)),
    companyName: z.optional(z.nullable(details.companyName)),
    domain: z.optional(z.nullable(details.domain)),
    industry: z.optional(z.nullable(details.industry)),
    employees: z.optional(z.nullable(details.employees)),
    country: z.optional(z.nullable(details.country)),
    message: z.optional(z.nullable(message)),
    sourceDetail: z.optional(z.nullable(sourceDetail)),
    ownerId: z.optional(z.nullable(userId)),
    teamId: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(64)))),
    optedOut: z.optional(z.boolean()),
    customFields: z.optional(customFieldPatch),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const changeLeadStatusBody = z.strictObject({
  status: leadStatus,
  /** Why, such as the reason a lead is unqualified; kept on the lead as `statusReason`. */
  reason: z.optional(statusReason),
});

export const leadSchema = z.object({
  id: leadId,
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  title: z.optional(z.string()),
  companyName: z.optional(z.string()),
  domain: z.optional(z.string()),
  industry: z.optional(z.string()),
  employees: z.optional(z.int()),
  country: z.optional(z.string()),
  message: z.optional(z.string()),
  source: leadSource,
  sourceDetail: z.optional(z.string()),
  status: leadStatus,
  statusReason: z.optional(z.string()),
  statusChangedAt: isoDateTime,
  ownerId: z.optional(z.string()),
  teamId: z.optional(z.string()),
  /** The assignment rule that gave the lead its owner, when a rule did. */
  assignedByRule: z.optional(z.string()),
  score: z.int(),
  scoreBreakdown: z.array(scoreBreakdownEntry),
  scoredAt: z.optional(isoDateTime),
  /** Opted out of marketing: nurturing stops and sends nothing more. */
  optedOut: z.boolean(),
  customFields: customFieldValues,
  conversion: z.optional(leadConversion),
  ...recordMeta,
});

export const leadParams = z.strictObject({ leadId });

/** One view per request, each served by its own index; see `listLeads`. */
export const listLeadsQuery = z.strictObject({
  ...pageQuery,
  status: z.optional(leadStatus),
  ownerId: z.optional(userId),
  source: z.optional(leadSource),
});

/** `GET /leads/{id}`: the lead with its engagement, derived from its activities. */
export const leadDetailSchema = z.extend(leadSchema, { engagement: engagementSchema });

export type Lead = z.infer<typeof leadSchema>;
export type LeadDetail = z.infer<typeof leadDetailSchema>;
export type CreateLead = z.output<typeof createLeadBody>;
export type UpdateLead = z.output<typeof updateLeadBody>;
export type ChangeLeadStatus = z.output<typeof changeLeadStatusBody>;
export type ListLeadsQuery = z.output<typeof listLeadsQuery>;
