import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { definitionsPartition, revisionKey } from "#lib/custom-fields/keys";
import type { CustomFieldDefinition, CustomFieldEntity } from "#lib/custom-fields/schema";
import { documentClient, tableName } from "#lib/db/client";
import { type ExtraItem, toRecord, WriteConflict } from "#lib/db/record-store";
import { DomainError } from "#lib/errors/domain-error";

/** The definitions of one entity's custom fields, as of one revision. */
export interface DefinitionSet {
  readonly entity: CustomFieldEntity;
  readonly revision: number;
  readonly definitions: ReadonlyMap<string, CustomFieldDefinition>;
}

/**
 * Definitions change rarely and are read on every write of a record, so each function instance
 * keeps the last set it read. That is safe because every record write carries a condition on the
 * revision it validated against (`revisionCondition`): a stale cache makes the transaction fail,
 * and `withDefinitions` reloads and tries again.
 */
const cache = new Map<CustomFieldEntity, DefinitionSet>();

export const loadDefinitions = async (entity: CustomFieldEntity): Promise<DefinitionSet> => {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": definitionsPartition(entity) },
      ConsistentRead: true,
    }),
  );
  let revision = 0;
  const definitions = new Map<string, CustomFieldDefinition>();
  for (const item of Items) {
    if (item.sk === revisionKey(entity).sk) revision = Number(item.revision);
    else {
      const definition = toRecord<CustomFieldDefinition>(item);
      definitions.set(definition.key, definition);
    }
  }
  const set = { entity, revision, definitions };
  cache.set(entity, set);
  return set;
};

export const REVISION_LABEL = "custom-field-revision";

/** The code of a refusal of custom field values; `withDefinitions` retries it with fresh ones. */
export const invalidCustomFieldsCode = (entity: string) => `${entity}.invalid_custom_fields`;

/** A transaction item that fails if the definitions moved past the revision `set` was read at. */
export const revisionCondition = (set: DefinitionSet): ExtraItem => ({
  label: REVISION_LABEL,
  item: {
    ConditionCheck: {
      TableName: tableName(),
      Key: revisionKey(set.entity),
      ...(set.revision === 0
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "revision = :revision",
            ExpressionAttributeValues: { ":revision": set.revision },
          }),
    },
  },
});

/**
 * Runs a record write against the cached definitions, once more with fresh ones if they moved:
 * the transaction's revision check failed, or the values were refused by cached definitions
 * (a field defined, or an option added, since this instance cached them must not be a 400).
 */
export const withDefinitions = async <T>(
  entity: CustomFieldEntity,
  write: (set: DefinitionSet) => Promise<T>,
): Promise<T> => {
  const cached = cache.get(entity);
  if (!cached) return writeWithFreshDefinitions(entity, write);
  try {
    return await write(cached);
  } catch (error) {
    if (!isStale(error) && !refusedValues(error, entity)) throw error;
    return writeWithFreshDefinitions(entity, write);
  }
};

const writeWithFreshDefinitions = async <T>(
  entity: CustomFieldEntity,
  write: (set: DefinitionSet) => Promise<T>,
): Promise<T> => {
  const fresh = await loadDefinitions(entity);
  try {
    return await write(fresh);
  } catch (error) {
    // Moved again between the read and the write: one more try, then the error stands.
    if (!isStale(error)) throw error;
    return write(await loadDefinitions(entity));
  }
};

const isStale = (error: unknown): boolean =>
  error instanceof WriteConflict &&
  error.targets.some((t) => t.kind === "extra" && t.label === REVISION_LABEL);

const refusedValues = (error: unknown, entity: CustomFieldEntity): boolean =>
  error instanceof DomainError && error.code === invalidCustomFieldsCode(entity);
