import type { Company } from "#lib/companies/schema";
import { tableName } from "#lib/db/client";
import type { ExtraItem, Facet, IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import { nameSortKey, normalizeName } from "#lib/records/sort-key";

/**
 * Every key format of companies, in one place. See docs/data-model.md for the access patterns.
 *
 * | item          | pk                     | sk                 | gsi1                              | gsi2                                 | gsi3           |
 * |---------------|------------------------|--------------------|-----------------------------------|--------------------------------------|----------------|
 * | company       | company#<id>           | company            | company#owner#<ownerId> / name    | company#industry#<industry> / name   | company / name |
 * | domain guard  | company#domain#<d>     | company#domain#<d> |                                   |                                      |                |
 * | tag facet     | company#<id>           | tag#<tag>          | company#tag#<tag> / name          |                                      |                |
 * | counters      | company#<id>           | counters           |                                   |                                      |                |
 *
 * The counters item holds `contactCount`, kept by the contact association transactions, so that
 * deleting a company with contacts can be refused by a condition instead of a read.
 */
export const companyKey = (id: string): ItemKey => ({ pk: `company#${id}`, sk: "company" });
export const domainGuardKey = (domain: string): ItemKey => ({
  pk: `company#domain#${domain}`,
  sk: `company#domain#${domain}`,
});
export const countersKey = (id: string): ItemKey => ({ pk: `company#${id}`, sk: "counters" });

export const byOwnerPartition = (ownerId: string) => `company#owner#${ownerId}`;
export const byIndustryPartition = (industry: string) =>
  `company#industry#${normalizeName(industry)}`;
export const byTagPartition = (tag: string) => `company#tag#${tag}`;
export const allCompaniesPartition = "company";

const sortKey = (c: Company) => nameSortKey(c.name, c.id);

export const companyModel: RecordModel<Company> = {
  type: "company",
  key: companyKey,
  index: (c): IndexKeys => ({
    ...(c.ownerId ? { gsi1pk: byOwnerPartition(c.ownerId), gsi1sk: sortKey(c) } : {}),
    ...(c.industry ? { gsi2pk: byIndustryPartition(c.industry), gsi2sk: sortKey(c) } : {}),
    gsi3pk: allCompaniesPartition,
    gsi3sk: sortKey(c),
  }),
  facets: (c): Facet[] => [
    ...(c.domain ? [{ name: "domain", key: domainGuardKey(c.domain), unique: true }] : []),
    ...c.tags.map((tag) => ({
      name: "tag",
      key: { pk: `company#${c.id}`, sk: `tag#${tag}` },
      index: { gsi1pk: byTagPartition(tag), gsi1sk: sortKey(c) },
    })),
  ],
};

export const COMPANY_EXISTS = "company-exists";
export const COMPANY_HAS_CONTACTS = "company-has-contacts";

/** For other capabilities' transactions: the company must exist when the transaction commits. */
export const companyExists = (companyId: string): ExtraItem => ({
  label: COMPANY_EXISTS,
  item: {
    ConditionCheck: {
      TableName: tableName(),
      Key: companyKey(companyId),
      ConditionExpression: "attribute_exists(pk)",
    },
  },
});

/** For the contact association transactions: moves the company's contact count. */
export const changeContactCount = (companyId: string, delta: 1 | -1): ExtraItem => ({
  label: "company-contact-count",
  item: {
    Update: {
      TableName: tableName(),
      Key: countersKey(companyId),
      UpdateExpression: "ADD contactCount :delta SET entityType = :type",
      ExpressionAttributeValues: { ":delta": delta, ":type": "counters" },
    },
  },
});

/** Deleting a company removes its counters, and only while no contact is associated. */
export const removeCountersIfNoContacts = (companyId: string): ExtraItem => ({
  label: COMPANY_HAS_CONTACTS,
  item: {
    Delete: {
      TableName: tableName(),
      Key: countersKey(companyId),
      ConditionExpression: "attribute_not_exists(contactCount) OR contactCount <= :zero",
      ExpressionAttributeValues: { ":zero": 0 },
    },
  },
});
