import { timelinePartition, timelineTypePartition } from "#lib/activities/keys";
import type { TimelineQuery } from "#lib/activities/schema";
import type { ListQuery, SortRange } from "#lib/db/record-store";
import { invalidInput } from "#lib/errors/domain-error";
import { canonicalInstant, DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";

/**
 * The sort-key range of a date filter: `from` inclusive, `to` exclusive. Sort keys are
 * `<occurredAt>#<id>`, which sorts after the bare time `to`, so BETWEEN `from` AND `to` leaves out
 * the activities of the time `to` itself, as an exclusive bound should.
 */
export const timelineRange = (from?: string, to?: string): SortRange | undefined => {
  const lower = from === undefined ? undefined : canonicalInstant(from);
  const upper = to === undefined ? undefined : canonicalInstant(to);
  if (lower !== undefined && upper !== undefined) {
    if (lower >= upper) {
      throw invalidInput("activity.invalid_date_range", "`to` must be after `from`.", [
        { path: "query.to", message: "Must be after from" },
      ]);
    }
    return { between: [lower, upper] };
  }
  if (lower !== undefined) return { atLeast: lower };
  if (upper !== undefined) return { lessThan: upper };
  return undefined;
};

/**
 * The one Query that serves a page of a record's timeline, newest first, whatever the filters:
 * every type on gsi1, one type on gsi2, a date range as a condition on the sort key.
 */
export const timelinePlan = (entity: string, recordId: string, query: TimelineQuery): ListQuery => {
  const range = timelineRange(query.from, query.to);
  return {
    ...(query.type === undefined
      ? { index: "gsi1", partition: timelinePartition(entity, recordId) }
      : { index: "gsi2", partition: timelineTypePartition(entity, recordId, query.type) }),
    ...(range ? { sortRange: range } : {}),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
    newestFirst: true,
  };
};
