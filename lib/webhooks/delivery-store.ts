import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import type { ItemKey } from "#lib/db/record-store";
import { newId } from "#lib/records/ids";
import {
  DELIVERY_ENTITY,
  DUE_PARTITION,
  deliveriesPartition,
  deliveryKey,
  dueBound,
  dueSortKey,
} from "#lib/webhooks/keys";
import type { DeliveryPolicy } from "#lib/webhooks/policy";
import type { Attempt, Delivery, DeliveryStatus } from "#lib/webhooks/schema";

/**
 * Deliveries: one item per (subscription, event), holding the exact body sent, the state of its
 * retries and the log of its attempts. These are internal items written with plain conditional
 * writes (not versioned records), because they change on every attempt and must never turn into
 * domain events.
 *
 * Concurrency: every write bumps `revision`, and a *claim* (a conditional write on the revision
 * that was read) is required before an attempt is sent. The claim stores a token and a lease and
 * pushes a pending delivery's due time to the lease's end, so a second sweeper that read the
 * same due page fails its claim, and an attempt whose runner crashed is due again once the lease
 * is over. Recording the attempt is conditioned on the token.
 */
export interface DeliveryItem extends Delivery {
  readonly pk: string;
  readonly sk: string;
  readonly revision: number;
  /** The exact body POSTed on every attempt. */
  readonly body: string;
  /** Automatic attempts made so far (manual ones do not use up the retry budget). */
  readonly automaticAttempts: number;
  readonly statusReason?: string;
  readonly claimToken?: string;
  readonly leaseUntil?: string;
}

export interface ClaimedDelivery {
  readonly item: DeliveryItem;
  readonly token: string;
  /** The status before the claim: a manual attempt on a finished delivery does not reopen it. */
  readonly statusBefore: DeliveryStatus;
  /** When the next automatic attempt was due before the claim moved it (pending only). */
  readonly dueBefore?: string;
}

const INTERNAL = [
  "pk",
  "sk",
  "entityType",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "ttl",
  "revision",
  "body",
  "automaticAttempts",
  "claimToken",
  "leaseUntil",
] as const;

/** What the API shows of a delivery. */
export const toDelivery = (item: object): Delivery => {
  const view: Record<string, unknown> = { ...item };
  for (const attribute of INTERNAL) delete view[attribute];
  return view as Delivery;
};

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

const iso = (ms: number) => new Date(ms).toISOString();

export interface NewDelivery {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: string;
}

/**
 * Creates the delivery already claimed, so that the dispatcher can attempt it at once while the
 * sweeper keeps off it. Returns undefined when the delivery exists: the bus delivered the same
 * event again (at-least-once), and the first delivery already takes care of it.
 */
export const createClaimedDelivery = async (
  input: NewDelivery,
  now: number,
  policy: DeliveryPolicy,
): Promise<ClaimedDelivery | undefined> => {
  const id = newId("whd");
  const token = newId("claim");
  const leaseUntil = iso(now + policy.leaseMs);
  const item: DeliveryItem = {
    ...deliveryKey(input.webhookId, input.eventId),
    id,
    webhookId: input.webhookId,
    eventId: input.eventId,
    eventType: input.eventType,
    status: "pending",
    attemptCount: 0,
    automaticAttempts: 0,
    attempts: [],
    nextAttemptAt: leaseUntil,
    body: input.body,
    revision: 1,
    claimToken: token,
    leaseUntil,
    createdAt: iso(now),
    updatedAt: iso(now),
  };
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...item,
          entityType: DELIVERY_ENTITY,
          gsi1pk: deliveriesPartition(input.webhookId),
          gsi1sk: id,
          gsi2pk: DUE_PARTITION,
          gsi2sk: dueSortKey(leaseUntil, id),
          ttl: Math.floor(now / 1000) + policy.retentionDays * 24 * 60 * 60,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
  return { item, token, statusBefore: "pending" };
};

/**
 * Claims a delivery that was read at `item.revision`. Undefined when somebody else wrote it
 * since (another sweeper claimed it, or its attempt was recorded).
 */
export const claimDelivery = async (
  item: DeliveryItem,
  now: number,
  policy: DeliveryPolicy,
): Promise<ClaimedDelivery | undefined> => {
  const token = newId("claim");
  const leaseUntil = iso(now + policy.leaseMs);
  const pending = item.status === "pending";
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: [
          "SET revision = revision + :one, claimToken = :token, leaseUntil = :lease, updatedAt = :now",
          // A pending delivery leaves the due list until the lease ends.
          ...(pending ? [", nextAttemptAt = :lease, gsi2sk = :due"] : []),
        ].join(""),
        ConditionExpression: "revision = :seen",
        ExpressionAttributeValues: {
          ":one": 1,
          ":token": token,
          ":lease": leaseUntil,
          ":now": iso(now),
          ":seen": item.revision,
          ...(pending ? { ":due": dueSortKey(leaseUntil, item.id) } : {}),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return {
      item: Attributes as DeliveryItem,
      token,
      statusBefore: item.status,
      ...(item.nextAttemptAt ? { dueBefore: item.nextAttemptAt } : {}),
    };
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** Whether an attempt of this delivery is in flight right now (claimed, lease not over). */
export const isLeased = (item: DeliveryItem, now: number) =>
  item.claimToken !== undefined && item.leaseUntil !== undefined && item.leaseUntil > iso(now);

export type NextState =
  | { readonly status: "pending"; readonly nextAttemptAt: number }
  | { readonly status: Exclude<DeliveryStatus, "pending">; readonly reason?: string };

/**
 * Appends the attempt to the log and moves the delivery to its next state, if the claim still
 * holds. Returns the delivery after the write, or undefined when the claim was lost (the lease
 * ran out and another runner took over: it logs its own attempt).
 */
export const recordAttempt = async (
  claimed: ClaimedDelivery,
  attempt: Attempt | undefined,
  next: NextState,
  now: number,
): Promise<DeliveryItem | undefined> => {
  const set = [
    "revision = revision + :one",
    "#status = :status",
    "updatedAt = :now",
    ...(attempt
      ? [
          "attempts = list_append(attempts, :attempt)",
          "attemptCount = attemptCount + :one",
          "automaticAttempts = automaticAttempts + :automatic",
        ]
      : []),
    ...(next.status === "pending"
      ? ["nextAttemptAt = :next", "gsi2pk = :duePartition", "gsi2sk = :due"]
      : []),
    ...(next.status !== "pending" && next.reason ? ["statusReason = :reason"] : []),
  ];
  const remove = [
    "claimToken",
    "leaseUntil",
    ...(next.status === "pending" ? ["statusReason"] : ["nextAttemptAt", "gsi2pk", "gsi2sk"]),
    ...(next.status !== "pending" && !next.reason ? ["statusReason"] : []),
  ];
  const nextIso = next.status === "pending" ? iso(next.nextAttemptAt) : undefined;
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: claimed.item.pk, sk: claimed.item.sk },
        UpdateExpression: `SET ${set.join(", ")} REMOVE ${remove.join(", ")}`,
        ConditionExpression: "claimToken = :token",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":one": 1,
          ":status": next.status,
          ":now": iso(now),
          ":token": claimed.token,
          ...(attempt
            ? { ":attempt": [attempt], ":automatic": attempt.trigger === "manual" ? 0 : 1 }
            : {}),
          ...(nextIso
            ? {
                ":next": nextIso,
                ":duePartition": DUE_PARTITION,
                ":due": dueSortKey(nextIso, claimed.item.id),
              }
            : {}),
          ...(next.status !== "pending" && next.reason ? { ":reason": next.reason } : {}),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as DeliveryItem;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

export interface DuePage {
  readonly items: readonly DeliveryItem[];
  readonly resume: Record<string, unknown> | undefined;
}

/** One page of the due list (gsi2), oldest due first: one Query. */
export const dueDeliveries = async (
  now: number,
  limit: number,
  resume?: Record<string, unknown>,
): Promise<DuePage> => {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi2",
      KeyConditionExpression: "gsi2pk = :due AND gsi2sk < :bound",
      ExpressionAttributeValues: { ":due": DUE_PARTITION, ":bound": dueBound(iso(now)) },
      Limit: limit,
      ...(resume ? { ExclusiveStartKey: resume } : {}),
    }),
  );
  return {
    items: (result.Items ?? []) as DeliveryItem[],
    resume: result.LastEvaluatedKey,
  };
};

/** A delivery read strongly, for a claim that must not fail on a stale index copy. */
export const getDelivery = async (key: ItemKey): Promise<DeliveryItem | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
  );
  return Item as DeliveryItem | undefined;
};

/** A delivery by its id, through the subscription's delivery list (gsi1): one Query. */
export const findDelivery = async (
  webhookId: string,
  deliveryId: string,
): Promise<DeliveryItem | undefined> => {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk = :id",
      ExpressionAttributeValues: { ":pk": deliveriesPartition(webhookId), ":id": deliveryId },
    }),
  );
  return Items[0] as DeliveryItem | undefined;
};

export const deliveryItemKey = (item: DeliveryItem): ItemKey => ({ pk: item.pk, sk: item.sk });
