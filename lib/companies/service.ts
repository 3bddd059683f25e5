import type { Principal } from "#lib/auth/principal";
import {
  allCompaniesPartition,
  byIndustryPartition,
  byOwnerPartition,
  byTagPartition,
  COMPANY_HAS_CONTACTS,
  companyKey,
  companyModel,
  domainGuardKey,
  removeCountersIfNoContacts,
} from "#lib/companies/keys";
import type {
  Company,
  CompanyDetail,
  CreateCompany,
  ListCompaniesQuery,
  UpdateCompany,
} from "#lib/companies/schema";
import { byCompanyPartition } from "#lib/contacts/keys";
import type { Contact } from "#lib/contacts/schema";
import { revisionCondition, withDefinitions } from "#lib/custom-fields/definitions";
import { validateCustomFieldValues } from "#lib/custom-fields/validate-values";
import {
  createRecord,
  getRecord,
  getRecordWith,
  listRecords,
  WriteConflict,
} from "#lib/db/record-store";
import { engagementKey, removeEngagement } from "#lib/engagement/keys";
import { engagementOf } from "#lib/engagement/state";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { listByOneFilter } from "#lib/records/list-by-filter";
import { applyPatch, mutateRecord, removeRecord, stamp } from "#lib/records/mutate";
import { normalizeName } from "#lib/records/sort-key";

const explainConflict = (error: unknown): never => {
  if (error instanceof WriteConflict) {
    for (const target of error.targets) {
      if (target.kind === "facet" && target.facet.name === "domain") {
        const domain = target.facet.key.pk.replace(/^company#domain#/, "");
        throw new DomainError(
          "conflict",
          "company.domain_taken",
          `Another company already has the domain ${domain}.`,
          {
            domain,
            existingId: target.holder?.id,
          },
        );
      }
      if (target.kind === "extra" && target.label === COMPANY_HAS_CONTACTS) {
        throw new DomainError(
          "conflict",
          "company.has_contacts",
          "Contacts are still associated with this company. Remove the associations first.",
        );
      }
    }
  }
  throw error;
};

export const createCompany = (input: CreateCompany, actor: Principal): Promise<Company> =>
  withDefinitions("company", async (definitions) => {
    const now = new Date().toISOString();
    const company: Company = {
      ...input,
      id: newId("co"),
      customFields: validateCustomFieldValues(definitions, input.customFields),
      version: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: actor.userId,
      updatedBy: actor.userId,
    };
    await createRecord(companyModel, company, [revisionCondition(definitions)]).catch(
      explainConflict,
    );
    return company;
  });

/** The company and its engagement (a companion item), in one BatchGetItem. */
export const getCompany = async (id: string): Promise<CompanyDetail> => {
  const { record, companions } = await getRecordWith(companyModel, id, [
    engagementKey(companyKey(id)),
  ]);
  if (!record) throw notFound("company", id);
  return { ...record, engagement: engagementOf(companions[0]) };
};

export const updateCompany = (
  id: string,
  patch: UpdateCompany,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Company> =>
  withDefinitions("company", (definitions) =>
    mutateRecord(companyModel, id, expectedVersion, (before) => {
      const { customFields, ...fields } = patch;
      return {
        after: stamp(
          {
            ...applyPatch(before, fields),
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

export const deleteCompany = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(companyModel, id, expectedVersion, actor.userId, () => [
    removeCountersIfNoContacts(id),
    removeEngagement(companyKey(id)),
  ]).catch(explainConflict);
};

/** Lists companies by at most one filter: owner, industry, tag, domain (exact) or name prefix. */
export const listCompanies = (query: ListCompaniesQuery): Promise<Page<Company>> =>
  listByOneFilter<Company, "ownerId" | "industry" | "tag" | "domain" | "q">(
    "company",
    query,
    {
      ownerId: (owner) => ({ index: "gsi1", partition: byOwnerPartition(owner) }),
      industry: (industry) => ({ index: "gsi2", partition: byIndustryPartition(industry) }),
      tag: (tag) => ({ index: "gsi1", partition: byTagPartition(tag) }),
      domain: (domain) => ({ lookup: domainGuardKey(domain) }),
      q: (prefix) => ({
        index: "gsi3",
        partition: allCompaniesPartition,
        sortBeginsWith: normalizeName(prefix),
      }),
    },
    { index: "gsi3", partition: allCompaniesPartition },
  );

/** The company's contacts, with their roles in `companies`; a 404 for an unknown company. */
export const listCompanyContacts = async (
  companyId: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<Contact>> => {
  const [company, contacts] = await Promise.all([
    getRecord(companyModel, companyId),
    listRecords<Contact>({
      index: "gsi1",
      partition: byCompanyPartition(companyId),
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    }),
  ]);
  if (!company) throw notFound("company", companyId);
  return contacts;
};
