import type { CustomFieldEntity } from "#lib/custom-fields/schema";

/**
 * Key formats of custom field definitions. All definitions of an entity share one partition with
 * a revision item, so one Query reads them all with their revision, and a write to a record can
 * check in its own transaction that the definitions it validated against are still current.
 *
 * | item       | pk                       | sk            |
 * |------------|--------------------------|---------------|
 * | definition | custom-fields#<entity>   | field#<key>   |
 * | revision   | custom-fields#<entity>   | #revision     |
 */
export const definitionsPartition = (entity: CustomFieldEntity) => `custom-fields#${entity}`;
export const definitionKey = (entity: CustomFieldEntity, key: string) => ({
  pk: definitionsPartition(entity),
  sk: `field#${key}`,
});
export const revisionKey = (entity: CustomFieldEntity) => ({
  pk: definitionsPartition(entity),
  sk: "#revision",
});

/**
 * A definition has no id of its own: its entity and key name it. Events, history and the feed
 * use this as its id (`contact.industry`).
 */
export const customFieldRecordId = (entity: string, key: string) => `${entity}.${key}`;
