import type { Contact } from "#lib/contacts/schema";
import type { Facet, IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import { nameSortKey } from "#lib/records/sort-key";

/**
 * Every key format of contacts, in one place. See docs/data-model.md for the access patterns.
 *
 * | item            | pk                     | sk                 | gsi1                                 | gsi2                         | gsi3              |
 * |-----------------|------------------------|--------------------|--------------------------------------|------------------------------|-------------------|
 * | contact         | contact#<id>           | contact            | contact#owner#<ownerId> / name       | contact#stage#<stage> / name | contact / name    |
 * | email guard     | contact#email#<email>  | contact#email#<e>  |                                      |                              |                   |
 * | tag facet       | contact#<id>           | tag#<tag>          | contact#tag#<tag> / name             |                              |                   |
 * | company facet   | contact#<id>           | company#<coId>     | company#<coId>#contacts / name       |                              |                   |
 * | phone facet     | contact#<id>           | phone#<number>     | contact#phone#<number> / name        |                              |                   |
 *
 * `<number>` is the phone number normalized by `normalizePhone`. The phone facet is not a guard:
 * several contacts may share a number (a switchboard, a household).
 */
export const contactKey = (id: string): ItemKey => ({ pk: `contact#${id}`, sk: "contact" });
export const emailGuardKey = (email: string): ItemKey => ({
  pk: `contact#email#${email}`,
  sk: `contact#email#${email}`,
});

export const byOwnerPartition = (ownerId: string) => `contact#owner#${ownerId}`;
export const byStagePartition = (stage: string) => `contact#stage#${stage}`;
export const byTagPartition = (tag: string) => `contact#tag#${tag}`;
export const byCompanyPartition = (companyId: string) => `company#${companyId}#contacts`;
export const byPhonePartition = (normalizedPhone: string) => `contact#phone#${normalizedPhone}`;
export const allContactsPartition = "contact";

/**
 * A phone number as the phone index keys it: its digits, with a leading `+` kept, so that
 * `+44 (20) 7946-0958` and `+442079460958` meet. No country is inferred: `020 7946 0958` is
 * another key. Undefined for a number with fewer than 4 digits, which identifies nobody.
 */
export const normalizePhone = (number: string): string | undefined => {
  const digits = number.replace(/\D/g, "");
  if (digits.length < 4) return undefined;
  return number.trim().startsWith("+") ? `+${digits}` : digits;
};

/** The distinct normalized numbers of a contact: one phone facet each. */
const phoneKeysOf = (c: Contact): string[] => [
  ...new Set(c.phones.flatMap(({ number }) => normalizePhone(number) ?? [])),
];

/** The name a contact is listed under: its full name, or its first email when it has none. */
export const displayName = (c: Pick<Contact, "firstName" | "lastName" | "emails" | "id">) =>
  [c.firstName, c.lastName].filter(Boolean).join(" ") || c.emails[0] || c.id;

const sortKey = (c: Contact) => nameSortKey(displayName(c), c.id);

export const contactModel: RecordModel<Contact> = {
  type: "contact",
  key: contactKey,
  index: (c): IndexKeys => ({
    ...(c.ownerId ? { gsi1pk: byOwnerPartition(c.ownerId), gsi1sk: sortKey(c) } : {}),
    gsi2pk: byStagePartition(c.lifecycleStage),
    gsi2sk: sortKey(c),
    gsi3pk: allContactsPartition,
    gsi3sk: sortKey(c),
  }),
  facets: (c): Facet[] => [
    ...c.emails.map((email) => ({ name: "email", key: emailGuardKey(email), unique: true })),
    ...c.tags.map((tag) => ({
      name: "tag",
      key: { pk: `contact#${c.id}`, sk: `tag#${tag}` },
      index: { gsi1pk: byTagPartition(tag), gsi1sk: sortKey(c) },
    })),
    ...c.companies.map(({ companyId }) => ({
      name: "company",
      key: { pk: `contact#${c.id}`, sk: `company#${companyId}` },
      index: { gsi1pk: byCompanyPartition(companyId), gsi1sk: sortKey(c) },
    })),
    ...phoneKeysOf(c).map((phone) => ({
      name: "phone",
      key: { pk: `contact#${c.id}`, sk: `phone#${phone}` },
      index: { gsi1pk: byPhonePartition(phone), gsi1sk: sortKey(c) },
    })),
  ],
};
