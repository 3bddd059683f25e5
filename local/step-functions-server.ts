import type { IncomingMessage, ServerResponse } from "node:http";
import { awsJsonProtocol, type LocalAwsEndpoint } from "#local/aws-json-protocol";
import {
  type ExecutionDescription,
  type LocalStateMachines,
  StepFunctionsError,
} from "#local/state-machines";

/**
 * A minimal Step Functions endpoint on loopback, backed by the local state machines: the AWS
 * JSON 1.0 protocol the SDK speaks (`POST /`, `x-amz-target: AWSStepFunctions.<Operation>`,
 * `content-type: application/x-amz-json-1.0`). With `STEPFUNCTIONS_ENDPOINT` pointing here, the
 * unchanged `@aws-sdk/client-sfn` in a handler starts, describes and stops local executions, so
 * a starter function is the same code in both runtimes. Only the operations the CRM uses are
 * served: StartExecution, DescribeExecution and StopExecution. Signatures are not checked: the
 * server only listens on 127.0.0.1.
 */

const CONTENT_TYPE = "application/x-amz-json-1.0";
/** StartExecution's input may be 256 KB; a little slack for the JSON framing. */
const MAX_REQUEST_BYTES = 512 * 1024;

export type StepFunctionsServer = LocalAwsEndpoint;

const protocol = awsJsonProtocol(CONTENT_TYPE, MAX_REQUEST_BYTES);
const { send, fail, readBody } = protocol;

/** The JSON protocol's timestamps: epoch seconds. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

const describeResponse = (execution: ExecutionDescription) => ({
  executionArn: execution.executionArn,
  stateMachineArn: execution.stateMachineArn,
  name: execution.name,
  status: execution.status,
  startDate: epochSeconds(execution.startDate),
  ...(execution.stopDate ? { stopDate: epochSeconds(execution.stopDate) } : {}),
  input: execution.input,
  inputDetails: { included: true },
  ...(execution.output === undefined
    ? {}
    : { output: execution.output, outputDetails: { included: true } }),
  ...(execution.error === undefined ? {} : { error: execution.error }),
  ...(execution.cause === undefined ? {} : { cause: execution.cause }),
});

const stringField = (body: Record<string, unknown>, field: string): string | undefined => {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new StepFunctionsError("ValidationException", `${field} must be a string`);
  }
  return value;
};

const required = (body: Record<string, unknown>, field: string): string => {
  const value = stringField(body, field);
  if (value === undefined) {
    throw new StepFunctionsError("ValidationException", `${field} is required`);
  }
  return value;
};

const operations: Record<
  string,
  (machines: LocalStateMachines, body: Record<string, unknown>) => Promise<unknown>
> = {
  async StartExecution(machines, body) {
    const name = stringField(body, "name");
    const input = stringField(body, "input");
    const started = await machines.startExecution({
      stateMachineArn: required(body, "stateMachineArn"),
      ...(name === undefined ? {} : { name }),
      ...(input === undefined ? {} : { input }),
    });
    return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
  },
  DescribeExecution: async (machines, body) =>
    describeResponse(await machines.describeExecution(required(body, "executionArn"))),
  async StopExecution(machines, body) {
    const error = stringField(body, "error");
    const cause = stringField(body, "cause");
    const stopped = await machines.stopExecution(required(body, "executionArn"), {
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    });
    return { stopDate: epochSeconds(stopped.stopDate) };
  },
};

const handle = async (
  machines: LocalStateMachines,
  request: IncomingMessage,
  response: ServerResponse,
) => {
  if (request.method !== "POST" || request.url !== "/") {
    return fail(response, 404, "UnknownOperationException", "Only POST / is served");
  }
  const target = String(request.headers["x-amz-target"] ?? "");
  const operation = target.startsWith("AWSStepFunctions.")
    ? operations[target.slice("AWSStepFunctions.".length)]
    : undefined;
  if (!operation) {
    return fail(
      response,
      400,
      "UnknownOperationException",
      `The local Step Functions endpoint implements ${Object.keys(operations).join(", ")}, not ${target}`,
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
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return fail(response, 400, "SerializationException", "The body must be a JSON object");
  }
  try {
    send(response, 200, await operation(machines, body as Record<string, unknown>));
  } catch (error) {
    if (error instanceof StepFunctionsError) return fail(response, 400, error.type, error.message);
    throw error;
  }
};

export const startStepFunctionsServer = (
  machines: LocalStateMachines,
  port = 0,
): Promise<StepFunctionsServer> =>
  protocol.serve((request, response) => handle(machines, request, response), port);
