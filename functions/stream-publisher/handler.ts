import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { publishStreamRecords } from "#lib/events/publisher";
import { logger } from "#lib/observability/logger";

/**
 * The table's stream -> the stack's EventBridge bus. In AWS a DynamoDB event source invokes it;
 * in the local runtime `local/stream-poller.ts` feeds it the same events from DynamoDB Local.
 * `EVENTBRIDGE_ENDPOINT` points the client at the local bus; in AWS it is unset.
 */
const endpoint = process.env.EVENTBRIDGE_ENDPOINT;
const client = new EventBridgeClient({
  ...(endpoint
    ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
    : {}),
  region: process.env.AWS_REGION ?? "us-east-1",
});

const eventBusName = (): string => {
  const name = process.env.EVENT_BUS_NAME;
  if (!name) throw new Error("EVENT_BUS_NAME is not set");
  return name;
};

export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return publishStreamRecords(event.Records, { client, eventBusName: eventBusName() });
};
