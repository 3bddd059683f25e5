import * as z from "zod/mini";
import { domain } from "#lib/companies/schema";
import { email } from "#lib/contacts/schema";
import {
  companyName,
  country,
  employees,
  industry,
  jobTitle,
  message,
  personName,
  phone,
  sourceDetail,
} from "#lib/leads/schema";

/**
 * What an anonymous visitor may send through `POST /web-forms/leads`: person and company details
 * with the same bounds as the API, and nothing that steers the CRM (no owner, status, score,
 * source or custom fields). Strict, so any other field is a 400.
 *
 * - `consent` is required: `true` when the visitor agreed to be contacted for marketing. A lead
 *   captured without it is stored opted out, so nurturing never writes to it.
 * - `honeypot` is a field the form hides from people (with CSS); bots fill every field they see.
 *   It must be absent or empty.
 */
export const webFormLeadBody = z.strictObject({
  firstName: z.optional(personName),
  lastName: z.optional(personName),
  email,
  phone: z.optional(phone),
  title: z.optional(jobTitle),
  companyName: z.optional(companyName),
  domain: z.optional(domain),
  industry: z.optional(industry),
  employees: z.optional(employees),
  country: z.optional(country),
  message: z.optional(message),
  /** Which form or page, such as `pricing-page`; stored as the lead's `sourceDetail`. */
  form: z.optional(sourceDetail),
  consent: z.boolean(),
  honeypot: z.optional(z.string().check(z.maxLength(0, "Leave this field empty"))),
});

/** The only thing an anonymous caller learns: the id of what it created. */
export const webFormLeadCreated = z.object({ id: z.string() });

export type WebFormLead = z.output<typeof webFormLeadBody>;
