import type { ActivityType } from "#lib/activities/types";
import { tableName } from "#lib/db/client";
import type { ExtraItem, ItemKey } from "#lib/db/record-store";

/**
 * Every key format of engagement, in one place. See docs/data-model.md for the access patterns.
 *
 * | item                | pk                              | sk                   | ttl       |
 * |---------------------|---------------------------------|----------------------|-----------|
 * | engagement          | `<record pk>` (`contact#<id>`)  | engagement           |           |
 * | applied-event mark  | engagement#applied#<eventId>    | `<record pk>`        | 15 days   |
 *
 * The engagement is a companion of the record's main item, in its partition: the record's own
 * writes replace the main item whole and would lose counters kept on it, so they live apart and
 * a read of the record fetches both in one BatchGetItem. It holds `lastActivityAt` and one count
 * per type (`callCount`, …): top-level numbers, so that `ADD` moves them without a read. The mark
 * says that one event was applied to one record; it is put in the same transaction as the
 * engagement, so a redelivered event changes nothing.
 */
export const engagementKey = (recordKey: ItemKey): ItemKey => ({
  pk: recordKey.pk,
  sk: "engagement",
});

/** The attribute of the engagement item that counts one type of activity: `callCount`. */
export const countAttribute = (type: ActivityType) => `${type}Count`;

export const appliedMarkKey = (eventId: string, recordKey: ItemKey): ItemKey => ({
  pk: `engagement#applied#${eventId}`,
  sk: recordKey.pk,
});

export const ENGAGEMENT_ENTITY_TYPE = "engagement";
export const APPLIED_MARK_ENTITY_TYPE = "engagement-applied";

/** For a linkable record's delete transaction: its engagement goes with it. */
export const removeEngagement = (recordKey: ItemKey): ExtraItem => ({
  label: "engagement",
  item: { Delete: { TableName: tableName(), Key: engagementKey(recordKey) } },
});
