import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { type TableDeclaration, table as wiredTable } from "#lib/wiring/table";
import { StartupError } from "#local/startup-error";

/**
 * Creates the CRM's table in DynamoDB Local from the same declaration the CDK reads
 * (`lib/wiring/table.ts`), so local and deployed tables have the same keys, indexes, stream and
 * TTL. With data persisted across restarts the table usually exists already; then it is checked
 * against the declaration instead, so that a stale local table fails loudly at startup rather
 * than as odd query errors later.
 */

const keySchema = (partitionKey: string, sortKey: string): KeySchemaElement[] => [
  { AttributeName: partitionKey, KeyType: "HASH" },
  { AttributeName: sortKey, KeyType: "RANGE" },
];

/** Only key attributes are declared to DynamoDB; every key in this design is a string. */
const attributeDefinitions = (declaration: TableDeclaration): AttributeDefinition[] => {
  const names = new Set([declaration.partitionKey, declaration.sortKey]);
  for (const index of declaration.globalIndexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: "S" }));
};

const describe = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const sameKeys = (actual: KeySchemaElement[] | undefined, expected: KeySchemaElement[]) =>
  JSON.stringify(actual?.map((k) => [k.AttributeName, k.KeyType])) ===
  JSON.stringify(expected.map((k) => [k.AttributeName, k.KeyType]));

/** What differs between an existing table and the declaration; empty when they agree. */
export const tableDrift = (actual: TableDescription, declaration: TableDeclaration): string[] => {
  const drift: string[] = [];
  if (!sameKeys(actual.KeySchema, keySchema(declaration.partitionKey, declaration.sortKey))) {
    drift.push("its primary key differs");
  }
  const indexes = new Map((actual.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  for (const index of declaration.globalIndexes) {
    const found = indexes.get(index.indexName);
    if (!found) drift.push(`index ${index.indexName} is missing`);
    else if (!sameKeys(found.KeySchema, keySchema(index.partitionKey, index.sortKey))) {
      drift.push(`index ${index.indexName} has other keys`);
    }
  }
  const stream = actual.StreamSpecification;
  if (!stream?.StreamEnabled || stream.StreamViewType !== declaration.stream) {
    drift.push(`its stream is not ${declaration.stream}`);
  }
  return drift;
};

const enableTimeToLive = async (
  client: DynamoDBClient,
  tableName: string,
  attribute: string,
): Promise<void> => {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const description = current.TimeToLiveDescription;
  if (description?.TimeToLiveStatus === "ENABLED" && description.AttributeName === attribute) {
    return;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
    }),
  );
};

export type EnsureTableResult = "created" | "exists";

/** Creates the table unless it exists; either way it ends up matching the declaration. */
export const ensureTable = async (
  client: DynamoDBClient,
  tableName: string,
  declaration: TableDeclaration = wiredTable,
): Promise<EnsureTableResult> => {
  let result: EnsureTableResult = "created";
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions(declaration),
        KeySchema: keySchema(declaration.partitionKey, declaration.sortKey),
        GlobalSecondaryIndexes: declaration.globalIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: { ProjectionType: "ALL" },
        })),
        BillingMode: "PAY_PER_REQUEST",
        StreamSpecification: { StreamEnabled: true, StreamViewType: declaration.stream },
      }),
    );
  } catch (error) {
    // Create first and treat "in use" as "exists": unlike describe-then-create, this cannot race
    // with a second process creating the same table.
    if (!(error instanceof ResourceInUseException)) throw error;
    result = "exists";
    const existing = await describe(client, tableName);
    const drift = existing ? tableDrift(existing, declaration) : [];
    if (drift.length > 0) {
      throw new StartupError(
        "table_mismatch",
        `Table ${tableName} does not match lib/wiring/table.ts: ${drift.join(", ")}. ` +
          "Delete the local data folder to recreate it (this erases the local data).",
      );
    }
  }
  // DynamoDB Local creates tables ACTIVE at once; this guards against a slower future version.
  for (let attempt = 0; (await describe(client, tableName))?.TableStatus !== "ACTIVE"; attempt++) {
    if (attempt > 100) throw new Error(`Table ${tableName} did not become ACTIVE`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  await enableTimeToLive(client, tableName, declaration.timeToLiveAttribute);
  return result;
};

/** Deletes the table; a table that is already gone counts as deleted. */
export const deleteTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
};
