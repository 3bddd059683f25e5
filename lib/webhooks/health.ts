import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { documentClient, tableName } from "#lib/db/client";
import { type ExtraItem, getRecord, replaceRecord, WriteConflict } from "#lib/db/record-store";
import { logger } from "#lib/observability/logger";
import { stamp } from "#lib/records/mutate";
import { HEALTH_ENTITY, healthKey, webhookModel } from "#lib/webhooks/keys";
import type { DeliveryPolicy } from "#lib/webhooks/policy";

/**
 * The failing streak of each subscription, kept apart from the record (see keys.ts). A delivery
 * that ends failed adds one; any successful attempt resets it. When the streak reaches the
 * policy's threshold the subscription is disabled, which the event publisher announces as
 * `webhook.disabled` because the write carries `changeVerb: "disabled"`.
 */
export const SYSTEM_ACTOR = "system";

const iso = (ms: number) => new Date(ms).toISOString();

export const recordSuccess = async (webhookId: string, now: number): Promise<void> => {
  await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: healthKey(webhookId),
      UpdateExpression:
        "SET consecutiveFailedDeliveries = :zero, lastSuccessAt = :now, entityType = :type REMOVE failingSince",
      ExpressionAttributeValues: { ":zero": 0, ":now": iso(now), ":type": HEALTH_ENTITY },
    }),
  );
};

/** A resumed subscription starts with a clean streak, in the same transaction as the resume. */
export const resetHealth = (webhookId: string): ExtraItem => ({
  label: "webhook-health",
  item: {
    Put: {
      TableName: tableName(),
      Item: { ...healthKey(webhookId), entityType: HEALTH_ENTITY, consecutiveFailedDeliveries: 0 },
    },
  },
});

export const deleteHealth = (webhookId: string): ExtraItem => ({
  label: "webhook-health",
  item: { Delete: { TableName: tableName(), Key: healthKey(webhookId) } },
});

/**
 * Counts a delivery that ended failed, and disables the subscription when the streak reaches the
 * threshold. Returns whether this call disabled it.
 */
export const recordFailedDelivery = async (
  webhookId: string,
  now: number,
  policy: DeliveryPolicy,
): Promise<boolean> => {
  const { Attributes } = await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: healthKey(webhookId),
      UpdateExpression:
        "ADD consecutiveFailedDeliveries :one SET lastFailureAt = :now, failingSince = if_not_exists(failingSince, :now), entityType = :type",
      ExpressionAttributeValues: { ":one": 1, ":now": iso(now), ":type": HEALTH_ENTITY },
      ReturnValues: "ALL_NEW",
    }),
  );
  const streak = Number(Attributes?.consecutiveFailedDeliveries ?? 0);
  if (streak < policy.disableAfterFailedDeliveries) return false;
  const since = typeof Attributes?.failingSince === "string" ? Attributes.failingSince : iso(now);
  return disable(webhookId, `${streak} deliveries in a row failed (failing since ${since})`, now);
};

/**
 * Active -> disabled, conditioned on the version read; a concurrent change is retried, and a
 * subscription that is no longer active (paused, disabled by a concurrent call, deleted) is
 * left alone, so `webhook.disabled` is announced once.
 */
const disable = async (webhookId: string, reason: string, now: number): Promise<boolean> => {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = await getRecord(webhookModel, webhookId);
    if (before?.status !== "active") return false;
    const after = {
      ...stamp(before, SYSTEM_ACTOR, new Date(now)),
      status: "disabled" as const,
      disabledAt: iso(now),
      disabledReason: reason,
    };
    try {
      await replaceRecord(webhookModel, before, after, [], { changeVerb: "disabled" });
      logger.warn("Webhook subscription disabled", { webhookId, reason });
      return true;
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
    }
  }
  return false;
};
