import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { appliedMarkTtl } from "#lib/events/applied-mark";
import {
  BUCKET_ENTITY_TYPE,
  type BucketCoordinates,
  bucketKey,
  bucketRange,
  CONTRIBUTION_ENTITY_TYPE,
  contributionKey,
  forecastPartition,
} from "#lib/forecast/keys";

/** What one deal adds to the buckets: one bucket, its amount (own currency) and one deal. */
export interface Placement extends BucketCoordinates {
  readonly status: "open" | "won" | "lost";
  readonly amount: number;
}

/** A deal's contribution as stored (see keys.ts): as of `version`, placed or deleted. */
export interface Contribution {
  readonly version: number;
  readonly deleted: boolean;
  readonly placement?: Placement;
}

const placementOf = (item: Record<string, unknown>): Placement | undefined =>
  typeof item.pipelineId === "string" && typeof item.amount === "number"
    ? {
        pipelineId: item.pipelineId,
        month: String(item.month),
        ownerId: String(item.ownerId),
        stageId: String(item.stageId),
        currency: String(item.currency),
        status: item.status as Placement["status"],
        amount: item.amount,
      }
    : undefined;

export const readContribution = async (dealId: string): Promise<Contribution | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: contributionKey(dealId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const placement = placementOf(Item);
  return {
    version: Number(Item.version),
    deleted: Item.deleted === true,
    ...(placement ? { placement } : {}),
  };
};

/** How much a transaction moves one bucket. */
interface BucketMove {
  readonly placement: Placement;
  readonly amount: number;
  readonly deals: number;
}

const sameBucket = (a: Placement, b: Placement) =>
  bucketKey(a).pk === bucketKey(b).pk && bucketKey(a).sk === bucketKey(b).sk;

/** The moves from `before` to `after`: one per bucket touched, none that would move nothing. */
const bucketMoves = (before: Placement | undefined, after: Placement | undefined): BucketMove[] => {
  if (before && after && sameBucket(before, after)) {
    const amount = after.amount - before.amount;
    return amount === 0 ? [] : [{ placement: after, amount, deals: 0 }];
  }
  return [
    ...(before ? [{ placement: before, amount: -before.amount, deals: -1 }] : []),
    ...(after ? [{ placement: after, amount: after.amount, deals: 1 }] : []),
  ];
};

const moveItem = ({ placement, amount, deals }: BucketMove) => ({
  Update: {
    TableName: tableName(),
    Key: bucketKey(placement),
    UpdateExpression:
      "SET entityType = :type, pipelineId = :pipeline, #month = :month, ownerId = :owner, " +
      "stageId = :stage, currency = :currency, #status = :status ADD amount :amount, dealCount :deals",
    ExpressionAttributeNames: { "#month": "month", "#status": "status" },
    ExpressionAttributeValues: {
      ":type": BUCKET_ENTITY_TYPE,
      ":pipeline": placement.pipelineId,
      ":month": placement.month,
      ":owner": placement.ownerId,
      ":stage": placement.stageId,
      ":currency": placement.currency,
      ":status": placement.status,
      ":amount": amount,
      ":deals": deals,
    },
  },
});

/** `raced`: the contribution is not the one `current` described any more; read and plan again. */
export type WriteOutcome = "applied" | "raced";

/**
 * Replaces a deal's contribution `current` (undefined: none yet) with `next`, moving the deal
 * between buckets, in one transaction conditioned on the contribution still being `current`.
 */
export const writeContribution = async (
  dealId: string,
  current: Contribution | undefined,
  next: Contribution,
  now = new Date(),
): Promise<WriteOutcome> => {
  const moves = bucketMoves(current?.deleted ? undefined : current?.placement, next.placement);
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...contributionKey(dealId),
                entityType: CONTRIBUTION_ENTITY_TYPE,
                dealId,
                version: next.version,
                deleted: next.deleted,
                ...next.placement,
                // Kept as long as an applied mark, so that late deliveries of the deleted deal's
                // older events are recognised as stale.
                ...(next.deleted ? { ttl: appliedMarkTtl(now) } : {}),
              },
              ...(current
                ? {
                    ConditionExpression: "version = :version AND deleted = :deleted",
                    ExpressionAttributeValues: {
                      ":version": current.version,
                      ":deleted": current.deleted,
                    },
                  }
                : { ConditionExpression: "attribute_not_exists(pk)" }),
            },
          },
          ...moves.map(moveItem),
        ],
      }),
    );
    return "applied";
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (
      reasons.some((r) => r.Code === "ConditionalCheckFailed" || r.Code === "TransactionConflict")
    ) {
      return "raced";
    }
    throw error;
  }
};

/** A bucket as stored. */
export interface Bucket extends BucketCoordinates {
  readonly status: "open" | "won" | "lost";
  readonly amount: number;
  readonly dealCount: number;
}

/**
 * The buckets of one pipeline for months `first`..`last`, optionally of one owner: one Query per
 * 1 MB of buckets (a period has a few hundred at most), consistent, so a forecast read right after
 * the recorder wrote sees its write. The owner is a filter on the same key range: buckets of other
 * owners are read and dropped, which costs read capacity but no request.
 */
export const readBuckets = async (
  pipelineId: string,
  first: string,
  last: string,
  ownerId?: string,
): Promise<Bucket[]> => {
  const [from, to] = bucketRange(first, last);
  const buckets: Bucket[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ...(ownerId === undefined ? {} : { FilterExpression: "ownerId = :owner" }),
        ExpressionAttributeValues: {
          ":pk": forecastPartition(pipelineId),
          ":from": from,
          ":to": to,
          ...(ownerId === undefined ? {} : { ":owner": ownerId }),
        },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      buckets.push({
        pipelineId: String(item.pipelineId),
        month: String(item.month),
        ownerId: String(item.ownerId),
        stageId: String(item.stageId),
        currency: String(item.currency),
        status: item.status as Bucket["status"],
        amount: Number(item.amount ?? 0),
        dealCount: Number(item.dealCount ?? 0),
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return buckets;
};
