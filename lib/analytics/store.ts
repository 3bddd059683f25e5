import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import type { Increment } from "#lib/analytics/increments";
import {
  APPLIED_MARK_TYPE,
  appliedMarkKey,
  COUNTER_TYPE,
  counterKey,
  GAUGE_TYPE,
  gaugeKey,
  measureAttribute,
  RECORD_STATE_TYPE,
  recordStateKey,
  TOUCHED_TYPE,
  touchedKey,
} from "#lib/analytics/keys";
import type { MetricId } from "#lib/analytics/metrics";
import { documentClient, tableName } from "#lib/db/client";
import { MAX_PAGES, TooManyItems } from "#lib/db/query-partition";
import type { ItemKey } from "#lib/db/record-store";
import { appliedMarkTtl, putAppliedMark } from "#lib/events/applied-mark";

/** The table access of analytics: the counting transaction, and reads and writes of rollup items. */

export type Item = Record<string, unknown>;

// Record states ----------------------------------------------------------------------------------

const storedIncrement = z.union([
  z.object({
    kind: z.literal("counter"),
    metric: z.string(),
    dimension: z.string(),
    value: z.string(),
    day: z.string(),
    measures: z.record(z.string(), z.number()),
  }),
  z.object({
    kind: z.literal("gauge"),
    gauge: z.string(),
    position: z.array(z.string()),
    measures: z.record(z.string(), z.number()),
  }),
]);

/** What the counters hold of one record: the increments last counted for it, and as of when. */
export interface RecordState {
  /** Orders the record's events: its version, a deletion after the last write of that version. */
  readonly seq: number;
  readonly increments: readonly Increment[];
}

export const readRecordState = async (
  entity: string,
  id: string,
): Promise<RecordState | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: recordStateKey(entity, id),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  return {
    seq: Number(Item.seq),
    // Written by this module only, from the same types.
    increments: z.array(storedIncrement).parse(Item.increments) as Increment[],
  };
};

// The counting transaction ----------------------------------------------------------------------

const incrementUpdate = (increment: Increment) => {
  const measures = Object.entries(increment.measures);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds = measures.map(([name, amount], i) => {
    names[`#m${i}`] = measureAttribute(name);
    values[`:m${i}`] = amount;
    return `#m${i} :m${i}`;
  });
  let key: ItemKey;
  let attributes: Record<string, unknown>;
  if (increment.kind === "counter") {
    key = counterKey(increment.metric, increment.dimension, "day", increment.day, increment.value);
    attributes = {
      entityType: COUNTER_TYPE,
      metric: increment.metric,
      dimension: increment.dimension,
      granularity: "day",
      bucket: increment.day,
      value: increment.value,
    };
  } else {
    key = gaugeKey(increment.gauge, increment.position);
    attributes = { entityType: GAUGE_TYPE, gauge: increment.gauge, position: increment.position };
  }
  const sets = Object.entries(attributes).map(([name, value], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = value;
    return `#a${i} = :a${i}`;
  });
  return {
    Update: {
      TableName: tableName(),
      Key: key,
      UpdateExpression: `SET ${sets.join(", ")} ADD ${adds.join(", ")}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

export interface StateChange {
  readonly entity: string;
  readonly id: string;
  readonly seq: number;
  /** The seq the change was computed from; undefined: no state was stored. */
  readonly fromSeq: number | undefined;
  readonly increments: readonly Increment[];
  /** A deleted record's state is kept only as long as its events may still arrive. */
  readonly deleted: boolean;
}

/**
 * - `counted`: the increments are in the counters;
 * - `duplicate`: this event was counted before (a redelivery), nothing was written;
 * - `raced`: the record's state moved since it was read (another of its events was counted):
 *   plan again;
 * - `contended`: another transaction held one of the items at the same moment: try again.
 */
export type CountingOutcome = "counted" | "duplicate" | "raced" | "contended";

/**
 * Counts one event in one transaction: its applied mark (put only if absent, so a redelivered
 * event writes nothing), the record's new state (conditioned on the state the increments were
 * computed from), and one `ADD` per counter or gauge item. At most 100 items: a deal moves at
 * most 8 counter items and a gauge, old and new.
 */
export const writeCounting = async (
  eventId: string,
  increments: readonly Increment[],
  state: StateChange | undefined,
  now = new Date(),
): Promise<CountingOutcome> => {
  const mark = putAppliedMark(appliedMarkKey(eventId), APPLIED_MARK_TYPE, now);
  const stateWrite = state
    ? [
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...recordStateKey(state.entity, state.id),
              entityType: RECORD_STATE_TYPE,
              entity: state.entity,
              id: state.id,
              seq: state.seq,
              increments: state.increments,
              countedAt: now.toISOString(),
              // A deleted record's state outlives it as long as a mark, so a late event of it
              // is still known stale.
              ...(state.deleted ? { ttl: appliedMarkTtl(now) } : {}),
            },
            ConditionExpression:
              state.fromSeq === undefined ? "attribute_not_exists(pk)" : "seq = :from",
            ...(state.fromSeq === undefined
              ? {}
              : { ExpressionAttributeValues: { ":from": state.fromSeq } }),
          },
        },
      ]
    : [];
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [mark, ...stateWrite, ...increments.map(incrementUpdate)],
      }),
    );
    return "counted";
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === "ConditionalCheckFailed") return "duplicate";
    if (state && reasons[1]?.Code === "ConditionalCheckFailed") return "raced";
    if (reasons.some((r) => r.Code === "TransactionConflict")) return "contended";
    throw error;
  }
};

// Touched days -----------------------------------------------------------------------------------

/**
 * Notes that counters of these days and metrics changed, so that the next rollup rebuilds their
 * weeks, months and derived figures. Put before the counting transaction (and again on every
 * retry): a mark without its change costs a needless rebuild, a change without its mark would
 * leave a week or month wrong. Marks are plain puts, outside the transaction, so that the
 * counting transactions of one day do not contend on them.
 */
export const markTouched = async (
  touched: readonly { readonly day: string; readonly metric: MetricId }[],
  now = new Date(),
): Promise<void> => {
  const unique = [...new Map(touched.map((t) => [`${t.day}#${t.metric}`, t])).values()];
  await batchWrite(
    unique.map((t) => ({
      ...touchedKey(t.day, t.metric),
      entityType: TOUCHED_TYPE,
      day: t.day,
      metric: t.metric,
      touchedAt: now.toISOString(),
    })),
    [],
  );
};

// Reads and writes of rollup items ---------------------------------------------------------------

export const getItem = async (key: ItemKey): Promise<Item | undefined> =>
  (await documentClient.send(new GetCommand({ TableName: tableName(), Key: key }))).Item;

const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

/**
 * Puts and deletes in batches of 25, retrying what DynamoDB leaves unprocessed. Only for items
 * that are recomputed whole (rollups, snapshots, marks): a Put of the same figures is harmless
 * to repeat, which is what makes the rollup idempotent.
 */
export const batchWrite = async (puts: readonly Item[], deletes: readonly ItemKey[]) => {
  const requests = [
    ...puts.map((item) => ({ PutRequest: { Item: item } })),
    ...deletes.map((key) => ({ DeleteRequest: { Key: key } })),
  ];
  for (let start = 0; start < requests.length; start += BATCH_SIZE) {
    let pending: NonNullable<BatchWriteCommandInput["RequestItems"]> = {
      [tableName()]: requests.slice(start, start + BATCH_SIZE),
    };
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await documentClient.send(
        new BatchWriteCommand({ RequestItems: pending }),
      );
      const left = UnprocessedItems?.[tableName()] ?? [];
      if (left.length === 0) break;
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(`${left.length} rollup writes stayed unprocessed; the run is retried`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
      pending = { [tableName()]: left };
    }
  }
};

/**
 * The items of the newest bucket of a sort key range (a report's latest snapshot): read newest
 * first, page by page, until the bucket changes. A bucket of a snapshot holds one item per stage
 * of every pipeline, so this is one page in practice.
 */
export const queryNewestBucket = async (
  pk: string,
  range: { readonly from: string; readonly to: string },
  bucketOfItem: (item: Item) => string,
): Promise<Item[]> => {
  const items: Item[] = [];
  let exclusiveStartKey: QueryCommandInput["ExclusiveStartKey"];
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": pk, ":from": range.from, ":to": range.to },
        ScanIndexForward: false,
        Limit: 200,
        ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) {
      const first = items[0];
      if (first && bucketOfItem(item) !== bucketOfItem(first)) return items;
      items.push(item);
    }
    if (!result.LastEvaluatedKey) return items;
    exclusiveStartKey = result.LastEvaluatedKey;
  }
  throw new TooManyItems(pk);
};
