import { customFieldRecordId } from "#lib/custom-fields/keys";
import {
  ActivityEvents,
  CommentEvents,
  CompanyEvents,
  ContactEvents,
  CsatRequestEvents,
  CustomFieldEvents,
  DealEvents,
  LeadEvents,
  MentionEvents,
  PipelineEvents,
  SlaPolicyEvents,
  TaskEvents,
  TicketEvents,
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
  { entityType: "task", entity: "task", detailTypes: TaskEvents },
  { entityType: "lead", entity: "lead", detailTypes: LeadEvents },
  // Stage counters (`pipeline-stage-counter`) are bookkeeping and announce nothing.
  { entityType: "pipeline", entity: "pipeline", detailTypes: PipelineEvents },
  { entityType: "deal", entity: "deal", detailTypes: DealEvents },
  // A comment's reply counter (`comment-replies`) is bookkeeping and announces nothing.
  { entityType: "comment", entity: "comment", detailTypes: CommentEvents },
  { entityType: "mention", entity: "mention", detailTypes: MentionEvents },
  // Its timeline copies are facets, and a record's engagement companion is bookkeeping.
  { entityType: "activity", entity: "activity", detailTypes: ActivityEvents },
  // Its requester facet is a copy, and its engagement companion is bookkeeping.
  { entityType: "ticket", entity: "ticket", detailTypes: TicketEvents },
  // A survey's outbox item (lib/csat/keys.ts), written with the verb `csat_requested` only: the
  // ticket it is about names the event, the survey itself and its token hash announce nothing.
  {
    entityType: "csat_request",
    entity: "ticket",
    detailTypes: CsatRequestEvents,
    idOf: (record) => String(record.ticketId),
  },
  // The policies' revision item (`sla_policy_revision`) and scope guards announce nothing.
  { entityType: "sla_policy", entity: "sla_policy", detailTypes: SlaPolicyEvents },
];

const byEntityType = new Map(publishedEntities.map((entity) => [entity.entityType, entity]));

export const publishedEntityOf = (entityType: unknown): PublishedEntity | undefined =>
  typeof entityType === "string" ? byEntityType.get(entityType) : undefined;

/** Every detail-type any entity can produce. */
export const publishedDetailTypes = (): string[] =>
  publishedEntities.flatMap((entity) => Object.values(entity.detailTypes));
