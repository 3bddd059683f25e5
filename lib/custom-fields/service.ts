import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Principal } from "#lib/auth/principal";
import { loadDefinitions } from "#lib/custom-fields/definitions";
import { customFieldRecordId, definitionKey, revisionKey } from "#lib/custom-fields/keys";
import {
  type CreateCustomField,
  type CustomFieldDefinition,
  type CustomFieldEntity,
  MAX_DEFINITIONS_PER_ENTITY,
  type UpdateCustomField,
} from "#lib/custom-fields/schema";
import { documentClient, tableName } from "#lib/db/client";
import { toRecord } from "#lib/db/record-store";
import { tombstoneItem } from "#lib/db/tombstone";
import { DomainError, versionMismatch } from "#lib/errors/domain-error";

const notFound = (entity: CustomFieldEntity, key: string) =>
  new DomainError(
    "not_found",
    "custom_field.not_found",
    `No custom field "${key}" is defined for ${entity}.`,
    {
      entity,
      key,
    },
  );

/**
 * Every change of a definition bumps the entity's revision in the same transaction. Record writes
 * condition on the revision they validated against, so they never pass against stale rules.
 * The revision item also counts the definitions, to bound them without reading.
 */
const bumpRevision = (entity: CustomFieldEntity, countDelta: -1 | 0 | 1) => ({
  Update: {
    TableName: tableName(),
    Key: revisionKey(entity),
    UpdateExpression: "ADD revision :one, definitionCount :delta SET entityType = :type",
    ...(countDelta === 1
      ? { ConditionExpression: "attribute_not_exists(definitionCount) OR definitionCount < :max" }
      : {}),
    ExpressionAttributeValues: {
      ":one": 1,
      ":delta": countDelta,
      ":type": "custom-field-revision",
      ...(countDelta === 1 ? { ":max": MAX_DEFINITIONS_PER_ENTITY } : {}),
    },
  },
});

const putDefinition = (
  definition: CustomFieldDefinition,
  condition: { version: number } | "new",
) => ({
  Put: {
    TableName: tableName(),
    Item: {
      ...definition,
      ...definitionKey(definition.entity, definition.key),
      entityType: "custom-field",
    },
    ...(condition === "new"
      ? { ConditionExpression: "attribute_not_exists(pk)" }
      : {
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: { ":version": condition.version },
        }),
  },
});

/** Which item of a cancelled transaction failed its condition, by position. */
const failedItems = (error: unknown): number[] | null =>
  error instanceof TransactionCanceledException
    ? (error.CancellationReasons ?? []).flatMap((reason, i) =>
        reason.Code === "ConditionalCheckFailed" ? [i] : [],
      )
    : null;

export const createCustomField = async (
  input: CreateCustomField,
  actor: Principal,
): Promise<CustomFieldDefinition> => {
  const now = new Date().toISOString();
  const definition: CustomFieldDefinition = {
    ...input,
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [putDefinition(definition, "new"), bumpRevision(input.entity, 1)],
      }),
    );
  } catch (error) {
    const failed = failedItems(error);
    if (failed?.includes(0)) {
      throw new DomainError(
        "conflict",
        "custom_field.key_taken",
        `A custom field "${input.key}" is already defined for ${input.entity}.`,
        { entity: input.entity, key: input.key },
      );
    }
    if (failed?.includes(1)) {
      throw new DomainError(
        "unprocessable",
        "custom_field.limit_reached",
        `An entity can have at most ${MAX_DEFINITIONS_PER_ENTITY} custom fields.`,
      );
    }
    throw error;
  }
  return definition;
};

export const listCustomFields = async (
  entity: CustomFieldEntity,
): Promise<CustomFieldDefinition[]> => {
  const set = await loadDefinitions(entity);
  return [...set.definitions.values()].sort((a, b) => a.key.localeCompare(b.key));
};

export const getCustomField = async (
  entity: CustomFieldEntity,
  key: string,
): Promise<CustomFieldDefinition> => {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: definitionKey(entity, key),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw notFound(entity, key);
  return toRecord<CustomFieldDefinition>(Item);
};

const checkVersion = (definition: CustomFieldDefinition, expectedVersion: number | undefined) => {
  if (expectedVersion !== undefined && definition.version !== expectedVersion) {
    throw versionMismatch(
      "custom_field",
      `${definition.entity}.${definition.key}`,
      expectedVersion,
      definition.version,
    );
  }
};

const changedConcurrently = (entity: CustomFieldEntity, key: string) =>
  new DomainError(
    "precondition_failed",
    "custom_field.version_mismatch",
    `The custom field "${key}" of ${entity} changed while this request ran. Fetch it again and retry.`,
    { entity, key },
  );

export const updateCustomField = async (
  entity: CustomFieldEntity,
  key: string,
  patch: UpdateCustomField,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<CustomFieldDefinition> => {
  const before = await getCustomField(entity, key);
  checkVersion(before, expectedVersion);
  const isSelect = before.type === "single_select" || before.type === "multi_select";
  if (patch.options !== undefined && !isSelect) {
    throw new DomainError(
      "invalid",
      "custom_field.options_not_allowed",
      `A ${before.type} field has no options.`,
      {},
      [{ path: "body.options", message: `A ${before.type} field has no options` }],
    );
  }
  const after: CustomFieldDefinition = {
    ...before,
    ...patch,
    version: before.version + 1,
    updatedAt: new Date().toISOString(),
    updatedBy: actor.userId,
  };
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [putDefinition(after, { version: before.version }), bumpRevision(entity, 0)],
      }),
    );
  } catch (error) {
    if (failedItems(error)?.includes(0)) throw changedConcurrently(entity, key);
    throw error;
  }
  return after;
};

/**
 * Deleting a definition keeps the values records hold; writes no longer accept the key. A
 * tombstone in the same transaction announces `custom_field.deleted` with the actor.
 */
export const deleteCustomField = async (
  entity: CustomFieldEntity,
  key: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  const before = await getCustomField(entity, key);
  checkVersion(before, expectedVersion);
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: tableName(),
              Key: definitionKey(entity, key),
              ConditionExpression: "version = :version",
              ExpressionAttributeValues: { ":version": before.version },
            },
          },
          bumpRevision(entity, -1),
          {
            Put: {
              TableName: tableName(),
              Item: tombstoneItem(definitionKey(entity, key), {
                entityType: "custom-field",
                id: customFieldRecordId(entity, key),
                version: before.version,
                deletedBy: actor.userId,
              }),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (failedItems(error)?.includes(0)) throw changedConcurrently(entity, key);
    throw error;
  }
};
