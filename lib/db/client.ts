import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * One document client per process. `DYNAMODB_ENDPOINT` points it at DynamoDB Local; in AWS it
 * is unset and the SDK finds the regional endpoint. Retries are few and quick so that an outage
 * turns into a fast 503 rather than a request that hangs until API Gateway gives up.
 */
const endpoint = process.env.DYNAMODB_ENDPOINT;

export const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(endpoint
      ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
    region: process.env.AWS_REGION ?? "us-east-1",
    maxAttempts: 3,
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);

export const tableName = (): string => {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error("TABLE_NAME is not set");
  return name;
};
