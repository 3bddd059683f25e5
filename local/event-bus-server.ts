import type { IncomingMessage, ServerResponse } from "node:http";
import { awsJsonProtocol, type LocalAwsEndpoint } from "#local/aws-json-protocol";
import type { LocalEventBus, PutEntry } from "#local/event-bus";

/**
 * EventBridge's PutEvents over HTTP, on loopback: the AWS JSON 1.1 protocol the SDK speaks
 * (`POST /`, `x-amz-target: AWSEvents.PutEvents`, `content-type: application/x-amz-json-1.1`).
 * With `EVENTBRIDGE_ENDPOINT` pointing here, the unchanged `@aws-sdk/client-eventbridge` puts
 * events on the local bus, from the stream publisher or from a developer's own integration.
 * Signatures are not checked: the server only listens on 127.0.0.1.
 */

/** EventBridge refuses PutEvents requests over 256 KB; a little slack for the JSON framing. */
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_ENTRIES = 10;
const CONTENT_TYPE = "application/x-amz-json-1.1";

export type EventBusServer = LocalAwsEndpoint;

const protocol = awsJsonProtocol(CONTENT_TYPE, MAX_REQUEST_BYTES);
const { send, fail, readBody } = protocol;

const isEntry = (value: unknown): value is PutEntry =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const handle = async (bus: LocalEventBus, request: IncomingMessage, response: ServerResponse) => {
  const target = request.headers["x-amz-target"];
  if (request.method !== "POST" || request.url !== "/") {
    return fail(response, 404, "UnknownOperationException", "Only POST / is served");
  }
  if (target !== "AWSEvents.PutEvents") {
    return fail(
      response,
      400,
      "UnknownOperationException",
      `The local bus implements AWSEvents.PutEvents only, not ${String(target)}`,
    );
  }
  const text = await readBody(request);
  if (text === undefined) {
    return fail(response, 413, "ValidationException", "The request is larger than 256 KB");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(response, 400, "SerializationException", "The body is not JSON");
  }
  const entries =
    typeof body === "object" && body !== null && "Entries" in body ? body.Entries : undefined;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    return fail(response, 400, "ValidationException", "Entries must list 1 to 10 entries");
  }
  if (!entries.every(isEntry)) {
    return fail(response, 400, "ValidationException", "Every entry must be an object");
  }
  const results = await bus.put(entries);
  send(response, 200, {
    FailedEntryCount: results.filter((result) => "ErrorCode" in result).length,
    Entries: results,
  });
};

export const startEventBusServer = (bus: LocalEventBus, port = 0): Promise<EventBusServer> =>
  protocol.serve((request, response) => handle(bus, request, response), port);
