import { customFieldRecordId } from "#lib/custom-fields/keys";
import {
  CompanyEvents,
  ContactEvents,
  CustomFieldEvents,
  WebhookEvents,
} from "#lib/events/detail-types";

/**
 * Which table items become domain events. Only the main item of a record whose `entityType` is
 * listed here, and that has a numeric `version`, is announced; facet items (`facetName`), guards,
 * counters, idempotency records, revision items and anything unlisted produce no event. A
 * capability that publishes events adds its entity here and its schemas to `events/catalogue.ts`.
 *
 * Plain data, no schemas: the stream publisher loads this and must stay light.
 */
export interface PublishedEntity {
  /** The `entityType` attribute of the record's main item. */
  readonly entityType: string;
  /** The `entity` of its events and the first half of their detail-types (`custom_field`). */
  readonly entity: string;
  /** Every detail-type its records can produce; the catalogue has a schema for each. */
  readonly detailTypes: Readonly<Record<string, string>>;
  /** The record's id as events name it; `record.id` unless the entity has no id attribute. */
  readonly idOf?: (record: Readonly<Record<string, unknown>>) => string;
  /** Fields that never leave the table in `data` or `changes` (secrets, hashes). */
  readonly privateFields?: readonly string[];
}

export const publishedEntities: readonly PublishedEntity[] = [
  { entityType: "contact", entity: "contact", detailTypes: ContactEvents },
  { entityType: "company", entity: "company", detailTypes: CompanyEvents },
  {
    entityType: "custom-field",
    entity: "custom_field",
    detailTypes: CustomFieldEvents,
    idOf: (record) => customFieldRecordId(String(record.entity), String(record.key)),
  },
  // The signing key is a separate internal item (lib/webhooks/keys.ts), never on the record.
  { entityType: "webhook", entity: "webhook", detailTypes: WebhookEvents },
];

const byEntityType = new Map(publishedEntities.map((entity) => [entity.entityType, entity]));

export const publishedEntityOf = (entityType: unknown): PublishedEntity | undefined =>
  typeof entityType === "string" ? byEntityType.get(entityType) : undefined;

/** Every detail-type any entity can produce. */
export const publishedDetailTypes = (): string[] =>
  publishedEntities.flatMap((entity) => Object.values(entity.detailTypes));
