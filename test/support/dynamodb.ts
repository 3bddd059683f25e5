import { randomBytes } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { localDynamoDBClient } from "#local/dynamodb-local";
import { deleteTable, ensureTable } from "#local/table";

/**
 * Helpers for integration tests against the run's shared DynamoDB Local (started by
 * `test/support/global-setup.ts`). Each test file makes its own table, from the same wiring
 * declaration as the CDK and the local runtime, so files never see each other's items.
 */

/** The shared DynamoDB Local's endpoint; fails clearly when the global setup is missing. */
export const testDynamoEndpoint = (): string => {
  const endpoint = inject("dynamoEndpoint") ?? process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      "No DynamoDB Local for this test run: vitest's globalSetup must include test/support/global-setup.ts",
    );
  }
  return endpoint;
};

/** A valid, unique table name: `test-<prefix>-<random>`. */
export const uniqueTableName = (prefix = "table"): string =>
  `test-${prefix.replace(/[^\w.-]/g, "-")}-${randomBytes(6).toString("hex")}`;

export interface TestTable {
  readonly tableName: string;
  readonly endpoint: string;
  /** A low-level client for assertions on the raw table; destroyed by `delete()`. */
  readonly client: DynamoDBClient;
  /** Deletes the table. Optional: the in-memory DynamoDB Local goes away with the run. */
  delete(): Promise<void>;
}

/**
 * Creates a uniquely named table (keys, GSIs, stream and TTL as in `lib/wiring/table.ts`) and
 * points the code under test at it: TABLE_NAME is read on every call by `lib/db/client.ts`,
 * DYNAMODB_ENDPOINT was already set by the global setup.
 */
export const createTestTable = async (prefix?: string): Promise<TestTable> => {
  const endpoint = testDynamoEndpoint();
  const tableName = uniqueTableName(prefix);
  const client = localDynamoDBClient(endpoint);
  await ensureTable(client, tableName);
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  return {
    tableName,
    endpoint,
    client,
    delete: async () => {
      try {
        await deleteTable(client, tableName);
      } finally {
        client.destroy();
      }
    },
  };
};
