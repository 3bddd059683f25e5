import { createHash } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { ENVELOPE_SCHEMA_VERSION, type Envelope, type FieldChange } from "#events/envelope";
import { toRecord } from "#lib/db/internal-attributes";
import { isTombstoneKey } from "#lib/db/tombstone";
import type { DomainEvent } from "#lib/events/bus-event";
import { detailTypeOf } from "#lib/events/detail-types";
import { type PublishedEntity, publishedEntityOf } from "#lib/events/published-entities";

/**
 * Turns one DynamoDB stream record into the domain event it announces, or into nothing.
 *
 * - INSERT / MODIFY of a record's main item (an `entityType` in `published-entities.ts`, a
 *   numeric `version`, no `facetName`) -> `<entity>.created` / `<entity>.updated`, or
 *   `<entity>.<changeVerb>` when the write set the internal `changeVerb` attribute.
 * - INSERT / MODIFY of a tombstone (`lib/db/tombstone.ts`) -> `<entity>.deleted`, with the actor
 *   the tombstone names, and in `changes` the fields it retained (each with only a `from`).
 * - Everything else: facets and guards, counters, idempotency records, revision items, REMOVEs
 *   (the record's own removal, TTL expiry) -> nothing.
 *
 * Pure: the same stream record always gives the same event, `eventId` included, so a redelivered
 * batch produces duplicates that consumers drop by `eventId` rather than new events.
 */

export type Item = Record<string, unknown>;

/** Stamped by every write; they say when and by whom, not what changed. */
const BOOKKEEPING_FIELDS = new Set(["version", "updatedAt", "updatedBy"]);

/** When a writer stamped no actor (a system write), events still need one. */
export const SYSTEM_ACTOR = "system";

const imageOf = (image: unknown): Item | undefined =>
  image ? unmarshall(image as Record<string, AttributeValue>) : undefined;

/**
 * A deterministic id per change: entity, id, version, verb and time of the change. A redelivered
 * stream record gives the same id; a custom field deleted and defined again (version 1 once more)
 * gets a new one because its timestamps differ. Shaped like a UUID for consumers' columns.
 */
export const eventIdOf = (parts: {
  readonly entity: string;
  readonly id: string;
  readonly version: number;
  readonly verb: string;
  readonly occurredAt: string;
}): string => {
  const hex = createHash("sha256")
    .update([parts.entity, parts.id, parts.version, parts.verb, parts.occurredAt].join("\u0000"))
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** The record as consumers see it: no internal attributes, no private fields. */
export const publicDataOf = (item: Item, entity: PublishedEntity): Item => {
  const data = toRecord<Item>(item);
  for (const field of entity.privateFields ?? []) delete data[field];
  return data;
};

/** JSON with object keys sorted: the stream does not promise the order of a map's keys. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/**
 * Field by field (top level), what changed between two public images. A field that appears has
 * no `from`; one that disappears has no `to`. Bookkeeping fields are left out.
 */
export const diffOf = (before: Item, after: Item): Record<string, FieldChange> => {
  const changes: Record<string, FieldChange> = {};
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const field of [...fields].sort()) {
    if (BOOKKEEPING_FIELDS.has(field)) continue;
    const from = before[field];
    const to = after[field];
    if (sameValue(from, to)) continue;
    changes[field] = {
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    };
  }
  return changes;
};

const isMainItem = (item: Item): boolean =>
  item.facetName === undefined && typeof item.version === "number";

const stringOr = (value: unknown, fallback: string): string =>
  typeof value === "string" && value.length > 0 ? value : fallback;

const envelope = (fields: Omit<Envelope, "schemaVersion" | "eventId">, verb: string): Envelope => ({
  schemaVersion: ENVELOPE_SCHEMA_VERSION,
  eventId: eventIdOf({ ...fields, verb }),
  ...fields,
});

/**
 * What a deletion took away, for the fields the entity's tombstone keeps (`retainOnDelete` of its
 * model): each as a change with only a `from`. Empty for an entity that keeps none.
 */
const retainedChanges = (retained: unknown): Record<string, FieldChange> =>
  retained && typeof retained === "object" && !Array.isArray(retained)
    ? Object.fromEntries(
        Object.entries(retained as Item)
          .filter(([, value]) => value !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([field, value]) => [field, { from: value }]),
      )
    : {};

const deletedEvent = (tombstone: Item, streamTime: string): DomainEvent | null => {
  const entity = publishedEntityOf(tombstone.entityType);
  if (!entity || typeof tombstone.version !== "number" || typeof tombstone.id !== "string") {
    return null;
  }
  const verb = "deleted";
  return {
    detailType: detailTypeOf(entity.entity, verb),
    envelope: envelope(
      {
        occurredAt: stringOr(tombstone.deletedAt, streamTime),
        entity: entity.entity,
        id: tombstone.id,
        version: tombstone.version,
        actor: stringOr(tombstone.deletedBy, SYSTEM_ACTOR),
        data: null,
        changes: retainedChanges(tombstone.retained),
      },
      verb,
    ),
  };
};

const recordEvent = (
  after: Item,
  before: Item | undefined,
  streamTime: string,
): DomainEvent | null => {
  const entity = publishedEntityOf(after.entityType);
  if (!entity || !isMainItem(after)) return null;
  // A write that did not move the version is not a change of the record (nothing the API does
  // writes one); announcing it would reuse the previous change's eventId.
  if (before && before.version === after.version) return null;
  const verb = stringOr(after.changeVerb, before ? "updated" : "created");
  const data = publicDataOf(after, entity);
  const fields = {
    occurredAt: stringOr(after.updatedAt, streamTime),
    entity: entity.entity,
    id: entity.idOf ? entity.idOf(after) : String(after.id),
    version: after.version as number,
    actor: stringOr(after.updatedBy, SYSTEM_ACTOR),
    data,
    changes: before ? diffOf(publicDataOf(before, entity), data) : {},
  };
  return { detailType: detailTypeOf(entity.entity, verb), envelope: envelope(fields, verb) };
};

/** The domain event a stream record announces, or null when it announces none. */
export const domainEventOf = (record: DynamoDBRecord): DomainEvent | null => {
  if (record.eventName !== "INSERT" && record.eventName !== "MODIFY") return null;
  const after = imageOf(record.dynamodb?.NewImage);
  if (!after) return null;
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const streamTime = new Date(seconds ? seconds * 1000 : Date.now()).toISOString();
  if (isTombstoneKey(after.pk)) return deletedEvent(after, streamTime);
  return recordEvent(after, imageOf(record.dynamodb?.OldImage), streamTime);
};
