import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { BusEvent } from "#events/envelope";
import { documentClient, tableName } from "#lib/db/client";
import {
  retentionDays,
  retentionMilliseconds,
  WRITE_BUDGET_MILLISECONDS,
} from "#lib/event-feed/config";
import {
  byTypePartition,
  FEED_ENTRY_TYPE,
  FEED_GUARD_TYPE,
  feedEntryKey,
  feedGuardKey,
} from "#lib/event-feed/keys";
import { entryPosition } from "#lib/event-feed/position";
import { logger } from "#lib/observability/logger";

export type FeedOutcome = "recorded" | "duplicate";

export interface RecorderOptions {
  readonly now?: () => number;
  readonly retentionDays?: number;
}

/** A write that keeps being slow is appended this many times at most; see `recordFeedEvent`. */
const MAX_APPENDS = 3;

const entryItem = (event: BusEvent, position: string, ttl: number) => ({
  ...feedEntryKey(position),
  gsi1pk: byTypePartition(event["detail-type"]),
  gsi1sk: position,
  entityType: FEED_ENTRY_TYPE,
  eventId: event.detail.eventId,
  type: event["detail-type"],
  occurredAt: event.detail.occurredAt,
  // Kept as the exact JSON the bus carried: readers get the envelope byte for byte, and no
  // value is reshaped by DynamoDB's type mapping.
  detail: JSON.stringify(event.detail),
  ttl,
});

/**
 * Appends one domain event to the feed, once per event id.
 *
 * The entry and a guard keyed by the event id are written in one transaction; the guard's
 * condition turns a redelivery into a no-op. An expired guard counts as absent, like its entry.
 *
 * The entry's position is the time taken just before the write. Readers trust that a write
 * lands within WRITE_BUDGET_MILLISECONDS of its timestamp; when one took longer, a reader may
 * already have passed its position, so the event is appended again at a fresh position (moving
 * the guard along, and removing the late entry in the same transaction). A reader that had not
 * passed the late entry yet may see the event twice, which consumers already handle by event
 * id; no reader misses it.
 */
export const recordFeedEvent = async (
  event: BusEvent,
  options: RecorderOptions = {},
): Promise<FeedOutcome> => {
  const now = options.now ?? Date.now;
  const keepFor = retentionMilliseconds(options.retentionDays ?? retentionDays());
  const { eventId } = event.detail;
  let previous: string | undefined;
  for (let append = 1; ; append++) {
    const startedAt = now();
    const position = entryPosition(startedAt, eventId);
    const ttl = Math.floor((startedAt + keepFor) / 1000);
    try {
      await documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: {
                  ...feedGuardKey(eventId),
                  entityType: FEED_GUARD_TYPE,
                  position,
                  ttl,
                },
                ...(previous === undefined
                  ? {
                      ConditionExpression: "attribute_not_exists(pk) OR #ttl < :nowSeconds",
                      ExpressionAttributeNames: { "#ttl": "ttl" },
                      ExpressionAttributeValues: { ":nowSeconds": Math.floor(startedAt / 1000) },
                    }
                  : {
                      ConditionExpression: "#position = :previous",
                      ExpressionAttributeNames: { "#position": "position" },
                      ExpressionAttributeValues: { ":previous": previous },
                    }),
              },
            },
            {
              Put: {
                TableName: tableName(),
                Item: entryItem(event, position, ttl),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            ...(previous === undefined
              ? []
              : [{ Delete: { TableName: tableName(), Key: feedEntryKey(previous) } }]),
          ],
        }),
      );
    } catch (error) {
      const guardRefused =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed";
      // First append: the event is already in the feed. Later ones: another delivery of the
      // same event moved the guard on, so that one owns the entry now.
      if (guardRefused) return previous === undefined ? "duplicate" : "recorded";
      throw error;
    }
    const took = now() - startedAt;
    if (took <= WRITE_BUDGET_MILLISECONDS) return "recorded";
    if (append >= MAX_APPENDS) {
      logger.error("Feed entry kept landing late; a reader may have passed it", {
        eventId,
        position,
        tookMilliseconds: took,
      });
      return "recorded";
    }
    logger.warn("Feed entry landed late; appending it again", {
      eventId,
      position,
      tookMilliseconds: took,
    });
    previous = position;
  }
};
