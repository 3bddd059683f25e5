import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { timelinePartition } from "#lib/activities/keys";
import type { ActivityType } from "#lib/activities/types";
import { documentClient, tableName } from "#lib/db/client";
import { isTransactionConflict } from "#lib/db/contention";
import type { ItemKey } from "#lib/db/record-store";
import {
  APPLIED_MARK_ENTITY_TYPE,
  appliedMarkKey,
  countAttribute,
  ENGAGEMENT_ENTITY_TYPE,
  engagementKey,
} from "#lib/engagement/keys";
import { putAppliedMark } from "#lib/events/applied-mark";

/** The record's `lastActivityAt` as stored now (null: none yet). */
export const readLastActivityAt = async (recordKey: ItemKey): Promise<string | null> => {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: engagementKey(recordKey),
      ConsistentRead: true,
      ProjectionExpression: "lastActivityAt",
    }),
  );
  return typeof Item?.lastActivityAt === "string" ? Item.lastActivityAt : null;
};

/**
 * When the record's latest activity happened, from its timeline: one Query of one item, newest
 * first. The index follows the table within a second or so; an activity changed a moment ago may
 * not show yet, which is why callers combine this with what the event itself says.
 */
export const latestOnTimeline = async (entity: string, id: string): Promise<string | null> => {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": timelinePartition(entity, id) },
      ProjectionExpression: "occurredAt",
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const occurredAt = Items?.[0]?.occurredAt;
  return typeof occurredAt === "string" ? occurredAt : null;
};

/**
 * How a write moves `lastActivityAt`, each conditioned so that concurrent events cannot lose a
 * later time: `raise` only if it is later than what is stored; `replace` only if what is stored
 * is still what the new value was computed from.
 */
export type LastActivityChange =
  | { readonly kind: "raise"; readonly to: string }
  | { readonly kind: "replace"; readonly from: string | null; readonly to: string | null };

/**
 * - `applied`: the engagement now includes the event;
 * - `duplicate`: the event had been applied to this record already (a redelivery);
 * - `record_gone`: the record no longer exists, so it keeps no engagement;
 * - `raced`: `lastActivityAt` was not what the change was planned on: plan again.
 */
export type WriteOutcome = "applied" | "duplicate" | "record_gone" | "raced";

const lastActivityUpdate = (change: LastActivityChange | undefined) => {
  if (!change) return { set: [], remove: [], condition: undefined, values: {} };
  if (change.kind === "raise") {
    return {
      set: ["lastActivityAt = :last"],
      remove: [],
      condition: "attribute_not_exists(lastActivityAt) OR lastActivityAt < :last",
      values: { ":last": change.to },
    };
  }
  return {
    set: change.to === null ? [] : ["lastActivityAt = :last"],
    remove: change.to === null ? ["lastActivityAt"] : [],
    condition:
      change.from === null ? "attribute_not_exists(lastActivityAt)" : "lastActivityAt = :from",
    values: {
      ...(change.to === null ? {} : { ":last": change.to }),
      ...(change.from === null ? {} : { ":from": change.from }),
    },
  };
};

/**
 * Applies one event to a record's engagement in one transaction: the counts move by `ADD` (they
 * commute, so concurrent events never conflict on them), `lastActivityAt` moves as `change` says,
 * the record must still exist (its deletion removed the engagement; a late event must not bring
 * it back), and the mark of this event on this record is put (a redelivery writes nothing).
 */
export const writeEngagement = async (
  recordKey: ItemKey,
  eventId: string,
  countDeltas: Readonly<Partial<Record<ActivityType, number>>>,
  change: LastActivityChange | undefined,
  now = new Date(),
): Promise<WriteOutcome> => {
  const counts = (Object.entries(countDeltas) as [ActivityType, number][]).filter(
    ([, delta]) => delta !== 0,
  );
  const last = lastActivityUpdate(change);
  const updateExpression = [
    `SET ${["entityType = :type", ...last.set].join(", ")}`,
    last.remove.length > 0 ? `REMOVE ${last.remove.join(", ")}` : "",
    counts.length > 0 ? `ADD ${counts.map((_, i) => `#count${i} :delta${i}`).join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: recordKey,
              ConditionExpression: "attribute_exists(pk)",
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: engagementKey(recordKey),
              UpdateExpression: updateExpression,
              ...(last.condition ? { ConditionExpression: last.condition } : {}),
              ...(counts.length > 0
                ? {
                    ExpressionAttributeNames: Object.fromEntries(
                      counts.map(([type], i) => [`#count${i}`, countAttribute(type)]),
                    ),
                  }
                : {}),
              ExpressionAttributeValues: {
                ":type": ENGAGEMENT_ENTITY_TYPE,
                ...last.values,
                ...Object.fromEntries(counts.map(([, delta], i) => [`:delta${i}`, delta])),
              },
            },
          },
          putAppliedMark(appliedMarkKey(eventId, recordKey), APPLIED_MARK_ENTITY_TYPE, now),
        ],
      }),
    );
    return "applied";
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const failed = (index: number) =>
      error.CancellationReasons?.[index]?.Code === "ConditionalCheckFailed";
    if (failed(2)) return "duplicate";
    if (failed(0)) return "record_gone";
    // Another transaction on the same items at the same moment: as good as a lost race.
    if (failed(1) || isTransactionConflict(error)) return "raced";
    throw error;
  }
};
