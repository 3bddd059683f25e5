import type { TestProject } from "vitest/node";
import { type DynamoDBLocal, LOCAL_REGION, startDynamoDBLocal } from "#local/dynamodb-local";
import { ALL_INTERFACES, freePort } from "#local/ports";
import { isStartupError } from "#local/startup-error";

/**
 * Vitest globalSetup: ONE in-memory DynamoDB Local for the whole test run, on a free port.
 * Integration and end-to-end tests create their own uniquely named tables in it (see
 * `createTestTable` and `startTestRuntime`), so test files can run in parallel without
 * starting a JVM each.
 *
 * The endpoint reaches the tests two ways: `inject("dynamoEndpoint")`, and the environment
 * variable DYNAMODB_ENDPOINT, which the workers inherit. The variable matters because
 * `lib/db/client.ts` reads it once, when a test file first imports it.
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's shared DynamoDB Local, e.g. `http://127.0.0.1:43121`. */
    dynamoEndpoint: string;
  }
}

/** A free port can be taken between finding it and Java binding it; try a few. */
const startOnFreePort = async (attempts = 3): Promise<DynamoDBLocal> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDBLocal({ port: await freePort(ALL_INTERFACES), storage: "memory" });
    } catch (error) {
      if (attempt >= attempts || !isStartupError(error) || error.code !== "port_in_use")
        throw error;
    }
  }
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startOnFreePort();
  project.provide("dynamoEndpoint", dynamo.endpoint);
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.AWS_REGION ??= LOCAL_REGION;
  return () => dynamo.stop();
}
