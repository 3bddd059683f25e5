import type { Activity, ActivityType } from "#lib/activities/schema";
import type { Facet, ItemKey, RecordModel } from "#lib/db/record-store";

/**
 * Every key format of activities, in one place. See docs/data-model.md for the access patterns.
 *
 * | item          | pk              | sk                    | gsi1                                             | gsi2                                                     |
 * |---------------|-----------------|-----------------------|--------------------------------------------------|----------------------------------------------------------|
 * | activity      | activity#<id>   | activity              |                                                  |                                                          |
 * | timeline copy | activity#<id>   | link#<entity>#<recId> | timeline#<entity>#<recId> / <occurredAt>#<id>    | timeline#<entity>#<recId>#<type> / <occurredAt>#<id>     |
 *
 * One timeline copy (a facet: the whole activity) per linked record, so that a page of a
 * record's timeline is one Query: on gsi1 for every type, on gsi2 for one type, and a date range
 * is a condition on the sort key. `<occurredAt>` is normalized (`Date#toISOString`), so that the
 * sort keys order by time. A change of links, time or fields rewrites the copies in the
 * activity's own transaction, so a timeline never shows an activity as it no longer is.
 */
export const activityKey = (id: string): ItemKey => ({ pk: `activity#${id}`, sk: "activity" });

export const timelinePartition = (entity: string, recordId: string) =>
  `timeline#${entity}#${recordId}`;
export const timelineTypePartition = (entity: string, recordId: string, type: ActivityType) =>
  `timeline#${entity}#${recordId}#${type}`;
export const timelineSortKey = (occurredAt: string, activityId: string) =>
  `${occurredAt}#${activityId}`;

export const activityModel: RecordModel<Activity> = {
  type: "activity",
  key: activityKey,
  index: () => ({}),
  facets: (a): Facet[] =>
    a.links.map((link) => {
      const sort = timelineSortKey(a.occurredAt, a.id);
      return {
        name: "link",
        key: { pk: `activity#${a.id}`, sk: `link#${link.entity}#${link.id}` },
        index: {
          gsi1pk: timelinePartition(link.entity, link.id),
          gsi1sk: sort,
          gsi2pk: timelineTypePartition(link.entity, link.id, a.type),
          gsi2sk: sort,
        },
      };
    }),
  // What the engagement of the linked records needs when the activity is gone.
  retainOnDelete: (a) => ({ type: a.type, occurredAt: a.occurredAt, links: a.links }),
};
