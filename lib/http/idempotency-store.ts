import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import type { ApiResult } from "#lib/http/api-event";

/**
 * Idempotency records live in the CRM table. A record is claimed with a conditional put before
 * the operation runs, and completed with the response after it; a failed operation releases
 * the claim so the client can retry with the same key.
 *
 * Kept here rather than taken from Powertools' idempotency utility because the key must be
 * scoped per caller and route, the replay must return the exact first response (status,
 * headers, body), and expired records must be treated as absent (DynamoDB Local never expires
 * them). Doing that with Powertools needed as much glue as this whole module, plus JMESPath at
 * cold start.
 */
const RETENTION_SECONDS = 24 * 60 * 60;
/** How long a claim blocks a concurrent retry before it is considered abandoned. */
const LOCK_MILLISECONDS = 30_000;

export interface IdempotencyClaim {
  readonly pk: string;
  readonly sk: string;
}

export type ClaimOutcome =
  | { readonly kind: "claimed"; readonly claim: IdempotencyClaim }
  | { readonly kind: "replay"; readonly response: ApiResult }
  | { readonly kind: "mismatch" }
  | { readonly kind: "in_progress" };

export const idempotencyKeys = (scope: string): IdempotencyClaim => ({
  pk: `idempotency#${scope}`,
  sk: "idempotency",
});

export const claim = async (
  scope: string,
  fingerprint: string,
  now = Date.now(),
): Promise<ClaimOutcome> => {
  const keys = idempotencyKeys(scope);
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys,
          entityType: "idempotency",
          status: "in_progress",
          fingerprint,
          lockedUntil: now + LOCK_MILLISECONDS,
          ttl: Math.floor(now / 1000) + RETENTION_SECONDS,
        },
        ConditionExpression:
          "attribute_not_exists(pk) OR #ttl < :nowSeconds OR (#status = :inProgress AND lockedUntil < :now)",
        ExpressionAttributeNames: { "#ttl": "ttl", "#status": "status" },
        ExpressionAttributeValues: {
          ":nowSeconds": Math.floor(now / 1000),
          ":now": now,
          ":inProgress": "in_progress",
        },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return { kind: "claimed", claim: keys };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
    const existing = unmarshall(error.Item) as {
      fingerprint?: string;
      status?: string;
      response?: string;
    };
    if (existing.fingerprint !== fingerprint) return { kind: "mismatch" };
    if (existing.status === "completed" && existing.response) {
      return { kind: "replay", response: JSON.parse(existing.response) as ApiResult };
    }
    return { kind: "in_progress" };
  }
};

export const complete = async (keys: IdempotencyClaim, response: ApiResult) => {
  await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys,
      UpdateExpression: "SET #status = :completed, #response = :response REMOVE lockedUntil",
      ExpressionAttributeNames: { "#status": "status", "#response": "response" },
      ExpressionAttributeValues: {
        ":completed": "completed",
        ":response": JSON.stringify(response),
      },
    }),
  );
};

export const release = async (keys: IdempotencyClaim) => {
  await documentClient
    .send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys,
        ConditionExpression: "#status = :inProgress",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":inProgress": "in_progress" },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
};
