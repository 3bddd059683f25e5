import { tableName } from "#lib/db/client";
import type { ItemKey } from "#lib/db/record-store";

/**
 * An event consumer's note that it applied one event, put in the same transaction as the
 * effect and only if absent: a redelivered event then fails the transaction and changes
 * nothing. Each consumer keeps its marks under its own key format (its `keys.ts`).
 *
 * A mark outlives every redelivery: EventBridge retries a target for 6 hours, Lambda's
 * asynchronous retries end within as long, and a dead letter waits at most 14 days in its queue
 * before an operator could redrive it.
 */
const APPLIED_MARK_TTL_SECONDS = 15 * 24 * 60 * 60;

/** The `ttl` (epoch seconds) of something kept as long as an applied mark, from `now`. */
export const appliedMarkTtl = (now: Date): number =>
  Math.floor(now.getTime() / 1000) + APPLIED_MARK_TTL_SECONDS;

/** The transaction item that puts the mark, refused when the event was applied already. */
export const putAppliedMark = (key: ItemKey, entityType: string, now: Date) => ({
  Put: {
    TableName: tableName(),
    Item: { ...key, entityType, appliedAt: now.toISOString(), ttl: appliedMarkTtl(now) },
    ConditionExpression: "attribute_not_exists(pk)",
  },
});
