import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { publishStreamRecords } from "#lib/events/publisher";
import { logger } from "#lib/observability/logger";

/**
 * The table's stream -> the stack's EventBridge bus. In AWS a DynamoDB event source invokes it;
 * in the local runtime `local/stream-poller.ts` feeds it the same events from DynamoDB Local.
 * `EVENTBRIDGE_ENDPOINT` points the client at the local bus; in AWS it is unset.
 */
let cached:
  | { readonly endpoint: string | undefined; readonly client: EventBridgeClient }
  | undefined;

/**
 * Made on first use and again if the endpoint changes: a local runtime restarted inside one
 * process (the restart tests) listens on a new port, and events must follow it.
 */
const busClient = (): EventBridgeClient => {
  const endpoint = process.env.EVENTBRIDGE_ENDPOINT;
  if (cached?.endpoint !== endpoint || !cached) {
    cached = {
      endpoint,
      client: new EventBridgeClient({
        ...(endpoint
          ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } }
          : {}),
        region: process.env.AWS_REGION ?? "us-east-1",
      }),
    };
  }
  return cached.client;
};

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
  return publishStreamRecords(event.Records, { client: busClient(), eventBusName: eventBusName() });
};
