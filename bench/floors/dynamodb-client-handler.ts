import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Cold start floor 2: a handler that only creates the DynamoDB document client, configured as
 * `lib/db/client.ts` configures it. Every table-backed function pays this, so the budget is
 * measured above it: what is left is the cost of our own code, middy, zod and Powertools.
 */
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: process.env.AWS_REGION ?? "us-east-1", maxAttempts: 3 }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);

export const handler = async () => ({ statusCode: 200, body: String(client !== undefined) });
