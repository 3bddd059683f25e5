import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * One document client per process. `DYNAMODB_ENDPOINT` points it at DynamoDB Local; in AWS it
 * is unset and the SDK finds the regional endpoint. Retries are few and quick so that an outage
 * turns into a fast 503 rather than a request that hangs until API Gateway gives up.
 */
const createClient = (): DynamoDBDocumentClient => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(endpoint
        ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
        : {}),
      region: process.env.AWS_REGION ?? "us-east-1",
      maxAttempts: 3,
    }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
};

let client: DynamoDBDocumentClient | undefined;

/**
 * Created on first use, not at import: the wiring (routes, key formats) is imported by the local
 * runtime before it knows where DynamoDB Local listens, and the client must read
 * `DYNAMODB_ENDPOINT` after that is set.
 */
export const documentClient: DynamoDBDocumentClient = new Proxy({} as DynamoDBDocumentClient, {
  get: (_target, property) => {
    client ??= createClient();
    const value: unknown = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export const tableName = (): string => {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error("TABLE_NAME is not set");
  return name;
};
