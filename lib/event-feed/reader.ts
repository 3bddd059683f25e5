import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { byTypePartition, FEED_PARTITION } from "#lib/event-feed/keys";
import type { FeedEntry, QueryResult } from "#lib/event-feed/page";

/**
 * The feed's Queries: entries strictly after `after` and up to `bound`, in position order, at
 * most `limit` of them. Only the key attributes a page needs are projected.
 *
 * The whole feed is read from the table with a consistent read. A type's entries are read from
 * its partition of gsi1, which DynamoDB fills asynchronously (typically well under a second);
 * the settle window leaves room for that.
 */
export interface FeedQuery {
  /** One detail-type, or the whole feed when absent. */
  readonly type?: string;
  readonly after: string;
  readonly bound: string;
  readonly limit: number;
}

const PROJECTION = "#position, eventId, #type, occurredAt, detail, #ttl";

export const queryFeed = async (query: FeedQuery): Promise<QueryResult> => {
  const byType = query.type !== undefined;
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      ...(byType ? { IndexName: "gsi1" } : { ConsistentRead: true }),
      // BETWEEN is inclusive; the entry at `after` (the client's last one) is dropped when the
      // page is assembled, which is why one more than the page is read.
      KeyConditionExpression: "#pk = :pk AND #position BETWEEN :after AND :bound",
      ProjectionExpression: PROJECTION,
      ExpressionAttributeNames: {
        "#pk": byType ? "gsi1pk" : "pk",
        "#position": byType ? "gsi1sk" : "sk",
        "#type": "type",
        "#ttl": "ttl",
      },
      ExpressionAttributeValues: {
        ":pk": byType ? byTypePartition(query.type as string) : FEED_PARTITION,
        ":after": query.after,
        ":bound": query.bound,
      },
      Limit: query.limit + 1,
    }),
  );
  const positionAttribute = byType ? "gsi1sk" : "sk";
  return {
    entries: (result.Items ?? []).map(
      (item): FeedEntry => ({
        position: String(item[positionAttribute]),
        eventId: String(item.eventId),
        type: String(item.type),
        occurredAt: String(item.occurredAt),
        detail: String(item.detail),
        ttl: Number(item.ttl),
      }),
    ),
    truncated: result.LastEvaluatedKey !== undefined,
  };
};
