import type { ItemKey } from "#lib/db/record-store";

/**
 * Every key format of the field history, in one place. See docs/data-model.md.
 *
 * | item          | pk                      | sk                       |
 * |---------------|-------------------------|--------------------------|
 * | history entry | history#<entity>#<id>   | <occurredAt>#<eventId>   |
 *
 * One partition per record, so a record's history is one Query per page (newest first by
 * reading the sort key backwards), and erasing a record's personal data deletes one partition.
 * The event id in the sort key makes the key a function of the event: a redelivered event maps
 * to the same key and its conditional put writes nothing.
 */
export const HISTORY_ENTITY_TYPE = "history";

export const historyPartition = (entity: string, id: string) => `history#${entity}#${id}`;

export const historyEntryKey = (
  entity: string,
  id: string,
  occurredAt: string,
  eventId: string,
): ItemKey => ({ pk: historyPartition(entity, id), sk: `${occurredAt}#${eventId}` });
