import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import type { ExtraItem } from "#lib/db/record-store";
import { toRecord } from "#lib/db/record-store";
import {
  SECRET_ENTITY,
  SUBSCRIPTION_SORT_PREFIX,
  secretKey,
  WEBHOOK_ENTITY,
  webhookPartition,
} from "#lib/webhooks/keys";
import type { Webhook } from "#lib/webhooks/schema";

/**
 * The signing key of each subscription: only the HMAC key bytes are stored (the `whsec_` secret
 * is their base64 form, handed to the admin once). After a rotation the previous key keeps
 * signing alongside the new one for a day, so that a receiver can switch secrets without
 * rejecting the deliveries in between (Standard Webhooks allows several signatures).
 */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

interface SecretItem {
  readonly key: string;
  readonly previousKey?: string;
  readonly previousKeyExpiresAt?: number;
}

export const putSigningKey = (
  webhookId: string,
  key: Buffer,
  previous?: { readonly key: Buffer; readonly until: number },
): ExtraItem => ({
  label: "webhook-secret",
  item: {
    Put: {
      TableName: tableName(),
      Item: {
        ...secretKey(webhookId),
        entityType: SECRET_ENTITY,
        key: key.toString("base64"),
        ...(previous
          ? { previousKey: previous.key.toString("base64"), previousKeyExpiresAt: previous.until }
          : {}),
      },
    },
  },
});

export const deleteSigningKey = (webhookId: string): ExtraItem => ({
  label: "webhook-secret",
  item: { Delete: { TableName: tableName(), Key: secretKey(webhookId) } },
});

/** The keys in force, newest first: the current one and a rotated-out one still in overlap. */
const keysOf = (item: SecretItem | undefined, now: number): Buffer[] => {
  if (!item) return [];
  const keys = [Buffer.from(item.key, "base64")];
  if (item.previousKey && (item.previousKeyExpiresAt ?? 0) > now) {
    keys.push(Buffer.from(item.previousKey, "base64"));
  }
  return keys;
};

export const currentSigningKey = async (webhookId: string): Promise<Buffer | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: secretKey(webhookId), ConsistentRead: true }),
  );
  return Item ? Buffer.from((Item as SecretItem).key, "base64") : undefined;
};

export interface DeliveryTarget {
  readonly webhook: Webhook;
  readonly keys: readonly Buffer[];
}

/** The subscription and its signing keys, in one Query over the subscription's partition. */
export const loadTarget = async (
  webhookId: string,
  now = Date.now(),
): Promise<DeliveryTarget | undefined> => {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": webhookPartition(webhookId),
        ":prefix": SUBSCRIPTION_SORT_PREFIX,
      },
      ConsistentRead: true,
    }),
  );
  const record = Items.find((item) => item.entityType === WEBHOOK_ENTITY);
  if (!record) return undefined;
  const webhook = toRecord<Webhook>(record);
  const secret = Items.find((item) => item.entityType === SECRET_ENTITY) as SecretItem | undefined;
  return { webhook, keys: keysOf(secret, now) };
};
