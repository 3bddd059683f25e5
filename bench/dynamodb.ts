import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDBLocal,
} from "#local/dynamodb-local";
import { ALL_INTERFACES, freePort } from "#local/ports";
import { isStartupError } from "#local/startup-error";
import { ensureTable } from "#local/table";

/**
 * The benchmark's own DynamoDB Local: in memory, on a free port, gone when the run ends. The
 * handlers reach it through DYNAMODB_ENDPOINT, which `lib/db/client.ts` reads when it is first
 * imported, so `pointHandlersAt` must run before any handler module is loaded.
 */
export interface BenchDatabase {
  readonly endpoint: string;
  readonly port: number;
  /** A low-level client for setup (tables, bulk loads); destroyed by `stop()`. */
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * For setup and bulk loads. Unlike the local runtime's client it waits long for an answer and
 * does not retry: under a bulk load on a busy machine a batch can take seconds, and a retry
 * after a client-side timeout would write the same batch again while the first is still queued,
 * which only makes DynamoDB Local slower.
 */
export const setupClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });

/**
 * Starts an empty, in-memory DynamoDB Local on `port`, or on a free port. A restart on the same
 * port gives handlers already loaded (whose client keeps its endpoint) an empty database.
 */
export const startBenchDatabase = async (
  options: { readonly port?: number; readonly attempts?: number } = {},
): Promise<BenchDatabase> => {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    let dynamo: DynamoDBLocal;
    try {
      // A free port can be taken between finding it and Java binding it; try again then.
      const port = options.port ?? (await freePort(ALL_INTERFACES));
      dynamo = await startDynamoDBLocal({ port, storage: "memory" });
    } catch (error) {
      const freeChoice = options.port === undefined;
      const taken = isStartupError(error) && error.code === "port_in_use";
      if (attempt < attempts && freeChoice && taken) continue;
      throw error;
    }
    const client = setupClient(dynamo.endpoint);
    return {
      endpoint: dynamo.endpoint,
      port: dynamo.port,
      client,
      stop: async () => {
        client.destroy();
        await dynamo.stop();
      },
    };
  }
};

/** Sets what the handlers read from their environment, as the CDK and the local runtime do. */
export const pointHandlersAt = (endpoint: string, tableName: string): void => {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.AWS_REGION ??= "us-east-1";
  process.env.ROLES_CLAIM ??= "cognito:groups";
  process.env.POWERTOOLS_SERVICE_NAME ??= "crm";
};

/** A fresh table, from the same declaration as the CDK's, so every phase starts empty. */
export const createBenchTable = async (client: DynamoDBClient, prefix: string): Promise<string> => {
  const name = `bench-${prefix}-${randomBytes(4).toString("hex")}`;
  await ensureTable(client, name);
  return name;
};
