import type { Principal } from "#lib/auth/principal";
import { COMPANY_EXISTS, changeContactCount, companyExists } from "#lib/companies/keys";
import {
  allContactsPartition,
  byCompanyPartition,
  byOwnerPartition,
  byPhonePartition,
  byStagePartition,
  byTagPartition,
  contactKey,
  contactModel,
  emailGuardKey,
  normalizePhone,
} from "#lib/contacts/keys";
import {
  type Contact,
  type ContactDetail,
  type CreateContact,
  type ListContactsQuery,
  MAX_COMPANIES,
  type UpdateContact,
} from "#lib/contacts/schema";
import { revisionCondition, withDefinitions } from "#lib/custom-fields/definitions";
import { validateCustomFieldValues } from "#lib/custom-fields/validate-values";
import {
  createRecord,
  getByFacet,
  getRecordWith,
  listRecords,
  WriteConflict,
} from "#lib/db/record-store";
import { engagementKey, removeEngagement } from "#lib/engagement/keys";
import { engagementOf } from "#lib/engagement/state";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { newId } from "#lib/records/ids";
import { listByOneFilter } from "#lib/records/list-by-filter";
import { applyPatch, mutateRecord, removeRecord, stamp } from "#lib/records/mutate";
import { normalizeName } from "#lib/records/sort-key";

/** Turns a refused write into the error the client should see. */
const explainConflict = (error: unknown): never => {
  if (error instanceof WriteConflict) {
    for (const target of error.targets) {
      if (target.kind === "facet" && target.facet.name === "email") {
        const email = target.facet.key.pk.replace(/^contact#email#/, "");
        throw new DomainError(
          "conflict",
          "contact.email_taken",
          `Another contact already has the email ${email}.`,
          {
            email,
            existingId: target.holder?.id,
          },
        );
      }
      if (target.kind === "extra" && target.label === COMPANY_EXISTS) {
        throw new DomainError("not_found", "company.not_found", "The company does not exist.");
      }
    }
  }
  throw error;
};

export const createContact = (input: CreateContact, actor: Principal): Promise<Contact> =>
  withDefinitions("contact", async (definitions) => {
    const now = new Date().toISOString();
    const contact: Contact = {
      ...input,
      id: newId("con"),
      customFields: validateCustomFieldValues(definitions, input.customFields),
      companies: [],
      version: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: actor.userId,
      updatedBy: actor.userId,
    };
    await createRecord(contactModel, contact, [revisionCondition(definitions)]).catch(
      explainConflict,
    );
    return contact;
  });

/** The contact and its engagement (a companion item), in one BatchGetItem. */
export const getContact = async (id: string): Promise<ContactDetail> => {
  const { record, companions } = await getRecordWith(contactModel, id, [
    engagementKey(contactKey(id)),
  ]);
  if (!record) throw notFound("contact", id);
  return { ...record, engagement: engagementOf(companions[0]) };
};

/** The contact that holds this email address (normalized, as the schema's `email`), if any. */
export const findContactByEmail = (email: string): Promise<Contact | undefined> =>
  getByFacet<Contact>(emailGuardKey(email));

/**
 * Contacts with this phone number, matched on its normalized form (`normalizePhone`), first
 * `limit` by name. Several contacts may share a number. The phone index is a GSI: a contact
 * written a moment ago may not be found yet.
 */
export const findContactsByPhone = async (phone: string, limit: number): Promise<Contact[]> => {
  const normalized = normalizePhone(phone);
  if (!normalized) return [];
  const page = await listRecords<Contact>({
    index: "gsi1",
    partition: byPhonePartition(normalized),
    limit,
    cursor: undefined,
  });
  return [...page.data];
};

export const updateContact = (
  id: string,
  patch: UpdateContact,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Contact> =>
  withDefinitions("contact", (definitions) =>
    mutateRecord(contactModel, id, expectedVersion, (before) => {
      const { customFields, ...fields } = patch;
      const changed = applyPatch(before, fields);
      return {
        after: stamp(
          {
            ...changed,
            customFields: customFields
              ? validateCustomFieldValues(definitions, customFields, before.customFields)
              : before.customFields,
          },
          actor.userId,
        ),
        extra: [revisionCondition(definitions)],
      };
    }).catch(explainConflict),
  );

export const deleteContact = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(contactModel, id, expectedVersion, actor.userId, (contact) => [
    ...contact.companies.map(({ companyId }) => changeContactCount(companyId, -1)),
    removeEngagement(contactKey(id)),
  ]);
};

export const associateCompany = (
  contactId: string,
  companyId: string,
  role: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Contact> =>
  mutateRecord(contactModel, contactId, expectedVersion, (before) => {
    const existing = before.companies.find((c) => c.companyId === companyId);
    if (!existing && before.companies.length >= MAX_COMPANIES) {
      throw new DomainError(
        "unprocessable",
        "contact.too_many_companies",
        `A contact can be associated with at most ${MAX_COMPANIES} companies.`,
      );
    }
    const companies = existing
      ? before.companies.map((c) => (c.companyId === companyId ? { companyId, role } : c))
      : [...before.companies, { companyId, role }];
    return {
      after: stamp({ ...before, companies }, actor.userId),
      extra: existing
        ? [companyExists(companyId)]
        : [companyExists(companyId), changeContactCount(companyId, 1)],
    };
  }).catch(explainConflict);

export const dissociateCompany = (
  contactId: string,
  companyId: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Contact> =>
  mutateRecord(contactModel, contactId, expectedVersion, (before) => {
    if (!before.companies.some((c) => c.companyId === companyId)) {
      throw new DomainError(
        "not_found",
        "contact.company_not_associated",
        `The contact ${contactId} is not associated with the company ${companyId}.`,
      );
    }
    return {
      after: stamp(
        { ...before, companies: before.companies.filter((c) => c.companyId !== companyId) },
        actor.userId,
      ),
      extra: [changeContactCount(companyId, -1)],
    };
  });

/** Lists contacts by at most one filter: owner, stage, tag, company, email (exact) or name prefix. */
export const listContacts = (query: ListContactsQuery): Promise<Page<Contact>> =>
  listByOneFilter<Contact, "ownerId" | "lifecycleStage" | "tag" | "companyId" | "email" | "q">(
    "contact",
    query,
    {
      ownerId: (owner) => ({ index: "gsi1", partition: byOwnerPartition(owner) }),
      lifecycleStage: (stage) => ({ index: "gsi2", partition: byStagePartition(stage) }),
      tag: (tag) => ({ index: "gsi1", partition: byTagPartition(tag) }),
      companyId: (companyId) => ({ index: "gsi1", partition: byCompanyPartition(companyId) }),
      email: (email) => ({ lookup: emailGuardKey(email) }),
      q: (prefix) => ({
        index: "gsi3",
        partition: allContactsPartition,
        sortBeginsWith: normalizeName(prefix),
      }),
    },
    { index: "gsi3", partition: allContactsPartition },
  );
