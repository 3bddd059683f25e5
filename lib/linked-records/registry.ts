import * as z from "zod/mini";
import { companyKey } from "#lib/companies/keys";
import { contactKey } from "#lib/contacts/keys";
import { tableName } from "#lib/db/client";
import { type ExtraItem, type ItemKey, itemExists, WriteConflict } from "#lib/db/record-store";
import { dealKey } from "#lib/deals/keys";
import { DomainError } from "#lib/errors/domain-error";
import { leadKey } from "#lib/leads/keys";
import { ticketKey } from "#lib/tickets/keys";

/**
 * The records that activities, tasks and comments link to, and that have a timeline, comments
 * and engagement fields. A capability whose records can be linked (deals, leads, tickets) adds
 * one entry here; its timeline and comment routes, and the `entity` values the API accepts,
 * follow from it.
 */
export interface LinkableEntity {
  /** The plural path segment of its API: `/contacts/{contactId}/timeline`. */
  readonly collection: string;
  /** The path parameter that names one record: `contactId`. */
  readonly idParam: string;
  /** The id prefix of its records (`con_…`). */
  readonly idPrefix: string;
  /** The main item of a record, whose existence a link is conditioned on. */
  readonly key: (id: string) => ItemKey;
}

export const linkableEntities = {
  contact: { collection: "contacts", idParam: "contactId", idPrefix: "con", key: contactKey },
  company: { collection: "companies", idParam: "companyId", idPrefix: "co", key: companyKey },
  deal: { collection: "deals", idParam: "dealId", idPrefix: "deal", key: dealKey },
  lead: { collection: "leads", idParam: "leadId", idPrefix: "lead", key: leadKey },
  ticket: { collection: "tickets", idParam: "ticketId", idPrefix: "tkt", key: ticketKey },
} as const satisfies Record<string, LinkableEntity>;

export type LinkableEntityName = keyof typeof linkableEntities;
export const LINKABLE_ENTITY_NAMES = Object.keys(linkableEntities) as [
  LinkableEntityName,
  ...LinkableEntityName[],
];

/** A link to one record: `{ entity: "contact", id: "con_…" }`. */
export const recordRef = z
  .strictObject({
    entity: z.enum(LINKABLE_ENTITY_NAMES),
    id: z.string().check(z.minLength(1), z.maxLength(64)),
  })
  .check(
    z.refine((ref) => ref.id.startsWith(`${linkableEntities[ref.entity].idPrefix}_`), {
      message: "The id does not belong to that entity",
      path: ["id"],
    }),
  );
export type RecordRef = z.infer<typeof recordRef>;

export const refLabel = (ref: RecordRef) => `${ref.entity}:${ref.id}`;

/**
 * A list of links, each record at most once. The bounds are the caller's: every link costs items
 * in the transaction that writes it.
 */
export const recordRefs = (max: number) =>
  z.array(recordRef).check(
    z.maxLength(max),
    z.refine((list) => new Set(list.map(refLabel)).size === list.length, "Links must be unique"),
  );

/**
 * The links `after` has and `before` did not: the ones whose records must exist now. A stored
 * record's links are typed loosely (`entity: string`), hence the structural `before`.
 */
export const addedLinks = (
  before: readonly { readonly entity: string; readonly id: string }[],
  after: readonly RecordRef[],
): RecordRef[] => {
  const had = new Set(before.map((link) => `${link.entity}:${link.id}`));
  return after.filter((link) => !had.has(refLabel(link)));
};

/**
 * Whether the linked record exists now: one GetItem of its key, for a read that answers 404 for
 * a record that never existed (a write checks with `linkedRecordExists` in its transaction).
 */
export const linkedRecordFound = (ref: RecordRef): Promise<boolean> =>
  itemExists(linkableEntities[ref.entity].key(ref.id));
const LINK_LABEL_PREFIX = "linked-record:";

/**
 * For a transaction that links to `ref`: the record must exist when the transaction commits, so
 * a link can never point at a record that was never there (a read first would race a delete).
 */
export const linkedRecordExists = (ref: RecordRef): ExtraItem => ({
  label: `${LINK_LABEL_PREFIX}${refLabel(ref)}`,
  item: {
    ConditionCheck: {
      TableName: tableName(),
      Key: linkableEntities[ref.entity].key(ref.id),
      ConditionExpression: "attribute_exists(pk)",
    },
  },
});

/**
 * Turns a transaction refused because a linked record is missing into a 422 that names every
 * missing record; anything else is rethrown unchanged.
 */
export const explainMissingLinks =
  (code: string) =>
  (error: unknown): never => {
    if (error instanceof WriteConflict) {
      const missing = error.targets.flatMap((target) =>
        target.kind === "extra" && target.label.startsWith(LINK_LABEL_PREFIX)
          ? [target.label.slice(LINK_LABEL_PREFIX.length)]
          : [],
      );
      if (missing.length > 0) {
        throw new DomainError(
          "unprocessable",
          code,
          `Linked records do not exist: ${missing.join(", ")}.`,
          { missing },
        );
      }
    }
    throw error;
  };
