import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { type ItemKey, listRecords } from "#lib/db/record-store";
import type { Page } from "#lib/http/response";
import { DAY_MS, SIGNAL_RETENTION_DAYS } from "#lib/lead-scoring/decay";
import {
  REVIEW_PARTITION,
  reviewDueBound,
  reviewSortKey,
  SIGNAL_ENTITY,
  STATE_ENTITY,
  signalItemKey,
  signalsOf,
  stateKey,
} from "#lib/lead-scoring/keys";
import type { Signal } from "#lib/lead-scoring/schema";

/**
 * A lead's engagement signals and its scoring state: internal items written with plain
 * conditional writes (never versioned records, so they announce no domain event).
 *
 * The state's `revision` counts the changes to what a score is computed from: every signal
 * recorded or withdrawn, and every change of the lead's fit attributes, `ADD`s 1 to it in the
 * same request. A recompute reads the revision first and saves its result conditioned on that
 * revision: when a signal landed meanwhile, the save fails and the score is computed again, so
 * a recompute that read too little can never be the last word on a lead's score.
 */
export interface ScoringState {
  readonly leadId: string;
  readonly revision?: number;
  /** The revision the stored score was computed from. */
  readonly scoredRevision?: number;
  readonly score?: number;
  readonly scoredAt?: string;
  readonly modelVersion?: number;
  /** When the decay review should look at the lead again; absent when its score is settled. */
  readonly nextReviewAt?: string;
  /** The lead's address as last indexed (`lead-index.ts`), so a deletion can remove its entry. */
  readonly email?: string;
}

/** Withdrawn activity signals are kept this long, so that a late, older event cannot revive one. */
const WITHDRAWN_RETENTION_DAYS = 30;

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export const signalTtl = (occurredAt: string) =>
  epochSeconds(Date.parse(occurredAt) + SIGNAL_RETENTION_DAYS * DAY_MS);

const bumpRevision = (leadId: string) => ({
  Update: {
    TableName: tableName(),
    Key: stateKey(leadId),
    UpdateExpression: "ADD revision :one SET leadId = :leadId, entityType = :entity",
    ExpressionAttributeValues: { ":one": 1, ":leadId": leadId, ":entity": STATE_ENTITY },
  },
});

/** Whether a transaction failed because its first item's condition did not hold. */
const firstConditionFailed = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed";

export type RecordOutcome = "recorded" | "duplicate";

/**
 * Records one signal under the lead, once. Without `sourceVersion` the signal is written only if
 * it is not there yet: the same event delivered again is a `duplicate`. With it (an activity's
 * version), it replaces an older copy, so that the signal follows the activity's changes, and a
 * late delivery of an older version is a `duplicate`.
 */
export const recordSignal = async (
  leadId: string,
  signal: Signal,
  provenance: { readonly eventId: string; readonly sourceVersion?: number },
  now: Date,
): Promise<RecordOutcome> => {
  const versioned = provenance.sourceVersion !== undefined;
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...signalItemKey(leadId, signal.key),
                entityType: SIGNAL_ENTITY,
                leadId,
                ...signal,
                eventId: provenance.eventId,
                ...(versioned ? { sourceVersion: provenance.sourceVersion } : {}),
                recordedAt: now.toISOString(),
                ttl: signalTtl(signal.occurredAt),
              },
              ConditionExpression: versioned
                ? "attribute_not_exists(pk) OR sourceVersion < :version"
                : "attribute_not_exists(pk)",
              ...(versioned
                ? { ExpressionAttributeValues: { ":version": provenance.sourceVersion } }
                : {}),
            },
          },
          bumpRevision(leadId),
        ],
      }),
    );
    return "recorded";
  } catch (error) {
    if (firstConditionFailed(error)) return "duplicate";
    throw error;
  }
};

/**
 * Withdraws an activity's signal (the activity was deleted, or no longer links the lead) by
 * replacing it with a marker at that version: an older event arriving late finds the marker's
 * newer version and cannot bring the signal back, and a newer one that links the lead again can.
 */
export const withdrawSignal = async (
  leadId: string,
  signalKey: string,
  provenance: { readonly eventId: string; readonly sourceVersion: number },
  now: Date,
): Promise<RecordOutcome> => {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...signalItemKey(leadId, signalKey),
                entityType: SIGNAL_ENTITY,
                leadId,
                key: signalKey,
                withdrawn: true,
                eventId: provenance.eventId,
                sourceVersion: provenance.sourceVersion,
                recordedAt: now.toISOString(),
                ttl: epochSeconds(now.getTime() + WITHDRAWN_RETENTION_DAYS * DAY_MS),
              },
              ConditionExpression:
                "attribute_not_exists(pk) OR sourceVersion < :version OR " +
                "(sourceVersion = :version AND attribute_not_exists(withdrawn))",
              ExpressionAttributeValues: { ":version": provenance.sourceVersion },
            },
          },
          bumpRevision(leadId),
        ],
      }),
    );
    return "recorded";
  } catch (error) {
    if (firstConditionFailed(error)) return "duplicate";
    throw error;
  }
};

/** A change of the lead's fit attributes: the next save of a score read before it must fail. */
export const noteLeadChanged = async (leadId: string): Promise<void> => {
  await documentClient.send(new UpdateCommand(bumpRevision(leadId).Update));
};

type StoredSignal = Signal & {
  readonly withdrawn?: boolean;
  readonly ttl?: number;
  readonly [attribute: string]: unknown;
};

const SIGNAL_FIELDS = [
  "key",
  "kind",
  "occurredAt",
  "source",
  "activityType",
  "activityId",
  "url",
  "campaign",
] as const;

const toSignal = (item: StoredSignal): Signal =>
  Object.fromEntries(
    SIGNAL_FIELDS.flatMap((field) => (item[field] === undefined ? [] : [[field, item[field]]])),
  ) as unknown as Signal;

/**
 * The items of a lead's signal partition, withdrawn markers included, one page (1 MB) at a time.
 * `read` is what each reader adds: a consistent read for scoring, only the keys for a purge.
 */
async function* signalPages(
  leadId: string,
  read: Pick<QueryCommandInput, "ConsistentRead" | "ProjectionExpression">,
): AsyncGenerator<NonNullable<QueryCommandOutput["Items"]>> {
  const { partition, sortBeginsWith } = signalsOf(leadId);
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": partition, ":prefix": sortBeginsWith },
        ...read,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * A lead's live signals: one consistent Query per page (1 MB, some thousands of signals) of the
 * lead's partition. Withdrawn markers are left out, and so are signals past their retention
 * (DynamoDB deletes expired items days late, and DynamoDB Local never does).
 */
export const listSignals = async (leadId: string, now: Date): Promise<Signal[]> => {
  const nowSeconds = epochSeconds(now.getTime());
  const signals: Signal[] = [];
  for await (const items of signalPages(leadId, { ConsistentRead: true })) {
    for (const item of items as StoredSignal[]) {
      if (item.withdrawn || (item.ttl !== undefined && item.ttl <= nowSeconds)) continue;
      signals.push(toSignal(item));
    }
  }
  return signals;
};

export const getScoringState = async (leadId: string): Promise<ScoringState | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: stateKey(leadId), ConsistentRead: true }),
  );
  return Item as ScoringState | undefined;
};

export interface ScoredState {
  readonly score: number;
  readonly scoredAt: string;
  readonly modelVersion: number;
  readonly nextReviewAt: string | undefined;
}

/**
 * Saves a recompute's result, if nothing it was computed from changed since it read `revision`
 * (0: no state yet). Places the lead in the decay review's index while its score still drifts,
 * and takes it out once it has settled. False when the revision moved: compute again.
 */
export const saveScoringState = async (
  leadId: string,
  revision: number,
  scored: ScoredState,
): Promise<boolean> => {
  const review = scored.nextReviewAt;
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: stateKey(leadId),
        UpdateExpression: [
          "SET leadId = :leadId, entityType = :entity, score = :score, scoredAt = :scoredAt,",
          "modelVersion = :modelVersion, scoredRevision = :revision",
          review === undefined
            ? "REMOVE nextReviewAt, gsi1pk, gsi1sk"
            : ", nextReviewAt = :review, gsi1pk = :reviewPk, gsi1sk = :reviewSk",
        ].join(" "),
        ConditionExpression:
          revision === 0 ? "attribute_not_exists(revision)" : "revision = :revision",
        ExpressionAttributeValues: {
          ":leadId": leadId,
          ":entity": STATE_ENTITY,
          ":score": scored.score,
          ":scoredAt": scored.scoredAt,
          ":modelVersion": scored.modelVersion,
          ":revision": revision,
          ...(review === undefined
            ? {}
            : {
                ":review": review,
                ":reviewPk": REVIEW_PARTITION,
                ":reviewSk": reviewSortKey(review, leadId),
              }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/** Remembers the address the lead is indexed under (see `lead-index.ts`). */
export const rememberEmail = async (leadId: string, email: string | undefined): Promise<void> => {
  await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: stateKey(leadId),
      UpdateExpression:
        email === undefined
          ? "SET leadId = :leadId, entityType = :entity REMOVE email"
          : "SET leadId = :leadId, entityType = :entity, email = :email",
      ExpressionAttributeValues: {
        ":leadId": leadId,
        ":entity": STATE_ENTITY,
        ...(email === undefined ? {} : { ":email": email }),
      },
    }),
  );
};

/**
 * The leads whose decay review is due at `now`, oldest due first: one Query of the sparse review
 * index per page, whatever the number of leads.
 */
export const dueForReview = (
  now: Date,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ScoringState>> =>
  listRecords<ScoringState>({
    index: "gsi1",
    partition: REVIEW_PARTITION,
    sortBefore: reviewDueBound(now.toISOString()),
    limit,
    cursor,
  });

const deleteAll = async (keys: readonly ItemKey[]) => {
  for (let start = 0; start < keys.length; start += 25) {
    let requests: Record<string, unknown>[] | undefined = keys
      .slice(start, start + 25)
      .map((key) => ({ DeleteRequest: { Key: key } }));
    for (let attempt = 1; requests && requests.length > 0; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await documentClient.send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
      );
      requests = result.UnprocessedItems?.[tableName()] as Record<string, unknown>[] | undefined;
      if (attempt >= 6 && requests && requests.length > 0) {
        throw new Error("DynamoDB left deletions of lead scoring items unprocessed");
      }
    }
  }
};

/**
 * Deletes a deleted lead's scoring data: its signals (withdrawn markers included), and its
 * state. Returns the state it had, for the address entry it names.
 */
export const purgeScoringData = async (leadId: string): Promise<ScoringState | undefined> => {
  const state = await getScoringState(leadId);
  const keys: ItemKey[] = [];
  for await (const items of signalPages(leadId, { ProjectionExpression: "pk, sk" })) {
    keys.push(...(items as ItemKey[]));
  }
  await deleteAll(keys);
  await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: stateKey(leadId) }));
  return state;
};
