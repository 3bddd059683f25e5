import * as z from "zod/mini";
import { companyId, contactId } from "#lib/contacts/schema";
import { customFieldValues } from "#lib/custom-fields/values-schema";
import { currency, MAX_AMOUNT } from "#lib/deals/schema";
import { leadSchema } from "#lib/leads/schema";
import { pipelineId, stageId } from "#lib/pipelines/schema";
import { userId } from "#lib/records/common-schema";

/**
 * `POST /leads/{leadId}/convert`: what a lead becomes. Every part is optional: by default the
 * lead becomes a contact (the one with its email, or a new one) and a company (the one with its
 * domain, or a new one when the lead names a company), and no deal.
 */
export const convertDealInput = z.strictObject({
  pipelineId,
  /** Defaults to the pipeline's first open stage. */
  stageId: z.optional(stageId),
  /** Defaults to the company's name, else the person's. */
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  /** Minor units; defaults to 0 (to be sized later). */
  amount: z.optional(z.int().check(z.minimum(0), z.maximum(MAX_AMOUNT))),
  /** Defaults to the configured base currency. */
  currency: z.optional(currency),
  /** Defaults to the last day of the current quarter (UTC), as Salesforce does. */
  expectedCloseDate: z.optional(z.iso.date()),
  /** Defaults to the lead's owner, else the caller. */
  ownerId: z.optional(userId),
  customFields: z._default(customFieldValues, {}),
});

export const convertLeadBody = z.strictObject({
  /** Link this contact instead of matching one by the lead's email or creating one. */
  contactId: z.optional(contactId),
  /** Link this company instead of matching one by the lead's domain or creating one. */
  companyId: z.optional(companyId),
  /** Also create a deal in this pipeline, linked to the contact and the company. */
  createDeal: z.optional(convertDealInput),
});

/** One record the lead became: `created` by this conversion, or an existing one linked. */
const outcome = z.object({ id: z.string(), created: z.boolean() });

export const conversionResult = z.object({
  /** The lead, converted: `conversion` links what it became. */
  lead: leadSchema,
  contact: outcome,
  company: z.optional(outcome),
  deal: z.optional(outcome),
});

export type ConvertDealInput = z.output<typeof convertDealInput>;
export type ConvertLead = z.output<typeof convertLeadBody>;
export type ConversionResult = z.infer<typeof conversionResult>;
