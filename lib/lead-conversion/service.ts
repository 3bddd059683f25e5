import type { Principal } from "#lib/auth/principal";
import { changeContactCount, companyKey, companyModel, domainGuardKey } from "#lib/companies/keys";
import type { Company } from "#lib/companies/schema";
import { contactKey, contactModel, emailGuardKey } from "#lib/contacts/keys";
import { type Contact, MAX_COMPANIES } from "#lib/contacts/schema";
import {
  type DefinitionSet,
  revisionCondition,
  withDefinitions,
} from "#lib/custom-fields/definitions";
import { tableName } from "#lib/db/client";
import { isTransactionConflict } from "#lib/db/contention";
import {
  creationItems,
  type ExtraItem,
  getByFacet,
  getRecord,
  type ItemKey,
  replacementItems,
  WriteConflict,
} from "#lib/db/record-store";
import type { CreateDeal } from "#lib/deals/schema";
import { dealCreation } from "#lib/deals/service";
import { DomainError } from "#lib/errors/domain-error";
import { type ConversionConfig, conversionConfig } from "#lib/lead-conversion/config";
import {
  associationRoleOf,
  companyFromLead,
  contactFromLead,
  conversionIdsOf,
  endOfQuarter,
  hasCompanyDetails,
  hasPersonDetails,
  personNameOf,
} from "#lib/lead-conversion/records";
import type { ConversionResult, ConvertLead } from "#lib/lead-conversion/schema";
import { leadModel } from "#lib/leads/keys";
import type { Lead } from "#lib/leads/schema";
import { type ConversionPlan, markLeadConverted } from "#lib/leads/service";
import { parseCounterLabel, STAGE_ENTRY } from "#lib/pipelines/keys";
import { stamp } from "#lib/records/mutate";

/**
 * Lead conversion: `POST /leads/{leadId}/convert` turns a lead into a contact, a company and
 * optionally a deal, in ONE TransactWriteItems with the lead's own change to `converted`
 * (`markLeadConverted` in lib/leads), so that a half-converted lead cannot exist:
 *
 * - the contact: the one named by `contactId`, else the one holding the lead's email (read
 *   through the email guard), else a new one. An existing contact is linked, never duplicated,
 *   and associated with the company when it is not yet; a new one is put with its email guard,
 *   which refuses the whole transaction if another contact took the email meanwhile.
 * - the company: the one named by `companyId`, else the one holding the lead's domain (domain
 *   guard), else a new one when the lead names a company. Same guard, same refusal.
 * - the deal: only with `createDeal`, in the chosen pipeline and stage (the first open one by
 *   default), linked to the contact and the company.
 *
 * New records get ids derived from the lead's (`conversionIdsOf`) and are put only if they do
 * not exist, and the lead's write is conditioned on its version. So a retry, or a concurrent
 * conversion of the same lead, can never create a second set: one transaction wins, the other
 * is refused, finds the lead converted, and answers with the stored conversion like any repeat.
 * A refusal because a match moved (the email was taken, the matched company was deleted) plans
 * again from fresh reads.
 */

const ATTEMPTS = 5;

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));

/** Labels of the transaction items of the contact, company and deal the plan writes or checks. */
const CONTACT = "contact";
const COMPANY = "company";
const DEAL = "deal";

const isLabelOf = (label: string, record: string) =>
  label === record || label.startsWith(`${record}:`);

/** A record the plan links to must still exist when the transaction commits. */
const stillExists = (key: ItemKey, label: string): ExtraItem => ({
  label,
  item: {
    ConditionCheck: {
      TableName: tableName(),
      Key: key,
      ConditionExpression: "attribute_exists(pk)",
    },
  },
});

const missing = (entity: string, id: string) =>
  new DomainError(
    "unprocessable",
    "lead.linked_record_not_found",
    `Linked records do not exist: ${entity}:${id}.`,
    { missing: [`${entity}:${id}`] },
  );

/**
 * A lead carries no values for the custom fields of contacts or companies, so a required one
 * cannot be filled: the client creates that record itself and passes its id.
 */
const refuseRequiredFields = (set: DefinitionSet, entity: "contact" | "company") => {
  const required = [...set.definitions.values()].filter((d) => d.required).map((d) => d.key);
  if (required.length === 0) return;
  throw new DomainError(
    "unprocessable",
    "lead.conversion_needs_custom_fields",
    `A new ${entity} needs the custom fields ${required.join(", ")}, which a lead does not carry: create the ${entity} first and pass its ${entity}Id.`,
    { entity, fields: required },
  );
};

/** The deal's custom field errors name `body.customFields`; here they are under `createDeal`. */
const underCreateDeal = (error: unknown): never => {
  if (error instanceof DomainError && error.fieldErrors.length > 0) {
    throw new DomainError(
      error.kind,
      error.code,
      error.message,
      error.extensions,
      error.fieldErrors.map((f) => ({ ...f, path: f.path.replace(/^body\./, "body.createDeal.") })),
    );
  }
  throw error;
};

interface Definitions {
  readonly contact: DefinitionSet;
  readonly company: DefinitionSet;
  readonly deal?: DefinitionSet;
}

/** Each entity's definitions, each reloaded once when its revision moved (see withDefinitions). */
const withConversionDefinitions = <T>(
  withDeal: boolean,
  write: (definitions: Definitions) => Promise<T>,
): Promise<T> =>
  withDefinitions("contact", (contact) =>
    withDefinitions("company", (company) =>
      withDeal
        ? withDefinitions("deal", (deal) => write({ contact, company, deal }))
        : write({ contact, company }),
    ),
  );

interface Linked {
  readonly id: string;
  readonly items: readonly ExtraItem[];
}

const findContact = async (lead: Lead, explicitId: string | undefined) => {
  if (explicitId !== undefined) {
    const contact = await getRecord(contactModel, explicitId);
    if (!contact) throw missing("contact", explicitId);
    return contact;
  }
  return lead.email === undefined ? undefined : getByFacet<Contact>(emailGuardKey(lead.email));
};

const findCompany = async (lead: Lead, explicitId: string | undefined) => {
  if (explicitId !== undefined) {
    const company = await getRecord(companyModel, explicitId);
    if (!company) throw missing("company", explicitId);
    return company;
  }
  return lead.domain === undefined ? undefined : getByFacet<Company>(domainGuardKey(lead.domain));
};

interface PlanContext {
  readonly input: ConvertLead;
  readonly actor: Principal;
  readonly definitions: Definitions;
  readonly config: ConversionConfig;
  /** Read the pipeline from the table, not the cache: the cached one was stale. */
  readonly freshPipeline: boolean;
}

/** Everything the conversion of `lead` writes besides the lead, planned on fresh reads. */
const planConversion = async (lead: Lead, context: PlanContext): Promise<ConversionPlan> => {
  const { input, actor, definitions, config } = context;
  if (config.requireQualified && lead.status !== "qualified") {
    throw new DomainError(
      "conflict",
      "lead.not_qualified",
      `The lead ${lead.id} is ${lead.status}: only a qualified lead converts (sales.conversion.requireQualified). Qualify it first.`,
      { id: lead.id, status: lead.status },
    );
  }
  const ids = conversionIdsOf(lead.id);
  const now = new Date();
  const at = { actor: actor.userId, at: now.toISOString() };
  const [existingContact, existingCompany] = await Promise.all([
    findContact(lead, input.contactId),
    findCompany(lead, input.companyId),
  ]);

  let company: (Linked & { readonly name: string }) | undefined;
  if (existingCompany) {
    company = {
      id: existingCompany.id,
      name: existingCompany.name,
      items: [stillExists(companyKey(existingCompany.id), COMPANY)],
    };
  } else if (hasCompanyDetails(lead)) {
    refuseRequiredFields(definitions.company, "company");
    const created = companyFromLead(lead, ids.companyId, at);
    company = {
      id: created.id,
      name: created.name,
      items: [
        ...creationItems(companyModel, created, COMPANY),
        revisionCondition(definitions.company),
      ],
    };
  }

  let contact: Linked;
  if (existingContact) {
    const associate =
      company !== undefined &&
      !existingContact.companies.some((c) => c.companyId === company.id) &&
      existingContact.companies.length < MAX_COMPANIES;
    contact = {
      id: existingContact.id,
      items:
        associate && company
          ? [
              ...replacementItems(
                contactModel,
                existingContact,
                stamp(
                  {
                    ...existingContact,
                    companies: [
                      ...existingContact.companies,
                      { companyId: company.id, role: associationRoleOf(lead) },
                    ],
                  },
                  actor.userId,
                  now,
                ),
                CONTACT,
              ),
              changeContactCount(company.id, 1),
            ]
          : [stillExists(contactKey(existingContact.id), CONTACT)],
    };
  } else {
    if (!hasPersonDetails(lead)) {
      throw new DomainError(
        "unprocessable",
        "lead.no_person_details",
        `The lead ${lead.id} has no name and no email to make a contact of: give it one, or pass the contactId of an existing contact.`,
        { id: lead.id },
      );
    }
    refuseRequiredFields(definitions.contact, "contact");
    const created = contactFromLead(
      lead,
      ids.contactId,
      { companyId: company?.id, withDeal: input.createDeal !== undefined },
      at,
    );
    contact = {
      id: created.id,
      items: [
        ...creationItems(contactModel, created, CONTACT),
        revisionCondition(definitions.contact),
        ...(company ? [changeContactCount(company.id, 1)] : []),
      ],
    };
  }

  let deal: Linked | undefined;
  if (input.createDeal && definitions.deal) {
    const wanted = input.createDeal;
    const dealInput: CreateDeal = {
      name: (wanted.name ?? company?.name ?? personNameOf(lead) ?? lead.id).slice(0, 200),
      amount: wanted.amount ?? 0,
      ...(wanted.currency === undefined ? {} : { currency: wanted.currency }),
      lineItems: [],
      expectedCloseDate: wanted.expectedCloseDate ?? endOfQuarter(now),
      pipelineId: wanted.pipelineId,
      ...(wanted.stageId === undefined ? {} : { stageId: wanted.stageId }),
      ownerId: wanted.ownerId ?? lead.ownerId ?? actor.userId,
      contactId: contact.id,
      ...(company ? { companyId: company.id } : {}),
      customFields: wanted.customFields,
    };
    const created = await dealCreation(dealInput, actor, definitions.deal, {
      id: ids.dealId,
      fresh: context.freshPipeline,
    }).catch(underCreateDeal);
    deal = { id: created.deal.id, items: created.extra };
  }

  return {
    conversion: {
      contactId: contact.id,
      ...(company ? { companyId: company.id } : {}),
      ...(deal ? { dealId: deal.id } : {}),
    },
    extra: [...(company?.items ?? []), ...contact.items, ...(deal?.items ?? [])],
  };
};

/** The answer to a conversion: the lead, and for each link whether this conversion created it. */
export const resultOf = (lead: Lead): ConversionResult => {
  const conversion = lead.conversion;
  if (!conversion) throw new Error(`The lead ${lead.id} has no conversion`);
  const ids = conversionIdsOf(lead.id);
  return {
    lead,
    contact: { id: conversion.contactId, created: conversion.contactId === ids.contactId },
    ...(conversion.companyId === undefined
      ? {}
      : { company: { id: conversion.companyId, created: conversion.companyId === ids.companyId } }),
    ...(conversion.dealId === undefined
      ? {}
      : { deal: { id: conversion.dealId, created: conversion.dealId === ids.dealId } }),
  };
};

/**
 * A converted lead answers a repeat with its stored conversion, whatever the repeat asks: a
 * lead converts once. Also when the repeat's If-Match names the version before the conversion
 * (the client's retry of a request whose answer it lost).
 */
const replayOf = async (leadId: string, error: unknown): Promise<ConversionResult | undefined> => {
  if (
    !(error instanceof DomainError) ||
    (error.code !== "lead.already_converted" && error.code !== "lead.version_mismatch")
  ) {
    return undefined;
  }
  const lead = await getRecord(leadModel, leadId);
  return lead?.status === "converted" && lead.conversion ? resultOf(lead) : undefined;
};

type Retry = "replan" | "fresh_pipeline" | "contention";

/** Whether a refused transaction is worth planning again, and how. */
const retryOf = (error: unknown): Retry | undefined => {
  if (isTransactionConflict(error)) return "contention";
  if (!(error instanceof WriteConflict)) return undefined;
  for (const target of error.targets) {
    if (target.kind === "extra" && parseCounterLabel(target.label).label === STAGE_ENTRY) {
      return "fresh_pipeline";
    }
  }
  const moved = error.targets.some(
    (t) =>
      t.kind === "record" ||
      (t.kind === "extra" && [CONTACT, COMPANY, DEAL].some((r) => isLabelOf(t.label, r))),
  );
  return moved ? "replan" : undefined;
};

/** What a client hears when retries did not help. */
const explain = (error: unknown): unknown => {
  const retry = retryOf(error);
  if (retry === "fresh_pipeline") {
    return new DomainError(
      "conflict",
      "deal.stage_changed_concurrently",
      "The deal's stage was changed or deleted while the lead was converted. Retry.",
    );
  }
  if (retry) {
    return new DomainError(
      "conflict",
      "lead.conversion_contended",
      "The lead, or the contact or company it matches, kept changing while it was converted. Retry.",
    );
  }
  return error;
};

/**
 * Converts a lead (see the module comment). `expectedVersion` is the lead's If-Match. Answers
 * with the lead and what it became; a lead converted already answers with its stored conversion.
 */
export const convertLead = async (
  leadId: string,
  input: ConvertLead,
  expectedVersion: number | undefined,
  actor: Principal,
  config: ConversionConfig = conversionConfig(),
): Promise<ConversionResult> => {
  let freshPipeline = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const lead = await withConversionDefinitions(input.createDeal !== undefined, (definitions) =>
        markLeadConverted(leadId, expectedVersion, actor.userId, (before) =>
          planConversion(before, { input, actor, definitions, config, freshPipeline }),
        ),
      );
      return resultOf(lead);
    } catch (error) {
      const replay = await replayOf(leadId, error);
      if (replay) return replay;
      const retry = retryOf(error);
      if (!retry || attempt >= ATTEMPTS) throw explain(error);
      if (retry === "fresh_pipeline") freshPipeline = true;
      if (retry === "contention") await pause(attempt);
    }
  }
};
