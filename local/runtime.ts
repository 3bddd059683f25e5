import { join } from "node:path";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import {
  functions,
  routes,
  rules,
  schedules,
  stateMachineArnVariable,
  stateMachines,
} from "#lib/wiring/index";
import { loadSigningKey } from "#local/auth";
import {
  type DynamoDBLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDBClient,
  startDynamoDBLocal,
} from "#local/dynamodb-local";
import { createLocalEventBus, type DeliveryPolicy, type LocalEventBus } from "#local/event-bus";
import { startEventBusServer } from "#local/event-bus-server";
import { createFunctionInvoker } from "#local/function-invoker";
import { LOCAL_HOST, type LocalHttpServer, portInUse, startHttpServer } from "#local/http-server";
import { isPortFree } from "#local/ports";
import { type LocalScheduler, startLocalScheduler } from "#local/scheduler";
import { type LocalStateMachines, startLocalStateMachines } from "#local/state-machines";
import { startStepFunctionsServer } from "#local/step-functions-server";
import { type StreamPoller, startStreamPoller } from "#local/stream-poller";
import { ensureTable } from "#local/table";

/**
 * The embedded local runtime: the CRM's wiring declaration (`lib/wiring`) brought up on one
 * machine. It is a composition of parts, started in dependency order and stopped in reverse:
 * DynamoDB Local, the table, the event bus with its rules (and its PutEvents endpoint), the
 * HTTP API, then the stream pollers that feed the table's changes to the stream functions (the
 * publisher), and the schedules. The state machines (and their StartExecution endpoint) come
 * before the bus, so that the bus's last deliveries can still start executions as it stops.
 */

export interface LocalRuntimeOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Where the signing key and, unless `inMemory`, DynamoDB Local's database live. */
  readonly dataDir: string;
  /** Keep the database in memory: it is gone when the runtime stops. */
  readonly inMemory?: boolean;
  /** Port for DynamoDB Local (which listens on all interfaces). */
  readonly dynamoPort: number;
  /** Use a DynamoDB Local that is already running instead of starting one (tests share one). */
  readonly dynamoEndpoint?: string;
  readonly tableName?: string;
  /** No request log lines; handler failures are still reported. */
  readonly quiet?: boolean;
  /** Where log lines go; standard output and error by default. */
  readonly log?: (line: string) => void;
  readonly logError?: (message: string, error: unknown) => void;
  /** How the local bus retries a failing rule target; short defaults (see `event-bus.ts`). */
  readonly delivery?: Partial<DeliveryPolicy>;
  /** How often the stream pollers look for new changes. */
  readonly streamPollIntervalMs?: number;
  /** How much faster than declared the schedules run (`local/scheduler.ts`; default 60). */
  readonly scheduleSpeedUp?: number;
}

export interface LocalRuntime {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly dataDir: string;
  /** The local EventBridge bus: every event put on it, and the rules' deliveries. */
  readonly bus: LocalEventBus;
  /** Where the bus takes PutEvents (`EVENTBRIDGE_ENDPOINT` for an SDK client). */
  readonly eventBusUrl: string;
  /** The declared state machines: executions, as StartExecution and friends see them. */
  readonly stateMachines: LocalStateMachines;
  /** Runs the declared schedules on timers; `runNow` runs one out of turn. */
  readonly scheduler: LocalScheduler;
  /** One poller per stream function (the stream publisher), by function name. */
  readonly streamPollers: ReadonlyMap<string, StreamPoller>;
  /** Settles if DynamoDB Local dies on its own, so that the caller can shut down. */
  readonly dynamoExited: Promise<unknown>;
  /** Stops every part; safe to call more than once. */
  stop(): Promise<void>;
}

export const DEFAULT_TABLE_NAME = "crm-local";
export const LOCAL_EVENT_BUS_NAME = "crm-local";

/**
 * Handler modules read their environment once, when first imported, and a module is imported
 * once per process. So a second runtime in the same process, pointed at another DynamoDB, would
 * silently talk to the first one's; we refuse that instead. (Vitest runs each test file in its
 * own module graph, so one runtime per test file is fine.)
 */
let boundEndpoint: string | undefined;

const defaultLogError = (message: string, error: unknown) => {
  console.error(message);
  if (error !== undefined) console.error(error);
};

export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const log = options.quiet ? undefined : (options.log ?? ((line: string) => console.log(line)));
  const logError = options.logError ?? defaultLogError;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };

  try {
    // Checked before DynamoDB Local takes its seconds to start, so a taken port fails at once.
    if (options.port !== 0 && !(await isPortFree(options.port, LOCAL_HOST))) {
      throw portInUse(options.port);
    }
    const signingKey = await loadSigningKey(options.dataDir);

    let dynamo: DynamoDBLocal | undefined;
    let dynamoEndpoint = options.dynamoEndpoint;
    if (!dynamoEndpoint) {
      dynamo = await startDynamoDBLocal({
        port: options.dynamoPort,
        storage: options.inMemory ? "memory" : { dbPath: join(options.dataDir, "dynamodb") },
      });
      stops.push(dynamo.stop);
      dynamoEndpoint = dynamo.endpoint;
    }
    if (boundEndpoint !== undefined && boundEndpoint !== dynamoEndpoint) {
      throw new Error(
        `This process already ran the local runtime against ${boundEndpoint}; handler modules keep the DynamoDB endpoint they were loaded with, so start one runtime per process`,
      );
    }

    const client = localDynamoDBClient(dynamoEndpoint);
    try {
      await ensureTable(client, tableName);
    } finally {
      client.destroy();
    }

    // Before any handler module loads: they read these when imported. They mirror what the CDK
    // sets on each function (infra/constructs/crm-function.ts and its table binding), plus the
    // region Lambda provides and the endpoint that points the SDK at DynamoDB Local.
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = dynamoEndpoint;
    process.env.AWS_REGION ??= LOCAL_REGION;
    process.env.ROLES_CLAIM ??= "cognito:groups";
    process.env.POWERTOOLS_SERVICE_NAME ??= "crm";
    // Webhook subscriptions may target http://localhost here (never in AWS).
    process.env.WEBHOOK_ALLOW_HTTP_LOOPBACK = "true";
    boundEndpoint = dynamoEndpoint;
    const region = process.env.AWS_REGION;
    const invoker = createFunctionInvoker({ functions, region });

    // One client for the executions' records and the stream pollers' reads; destroyed after
    // every part that uses it has stopped.
    const dynamodb = localDynamoDBClient(dynamoEndpoint);
    stops.push(async () => dynamodb.destroy());
    const machines = await startLocalStateMachines({
      declarations: stateMachines,
      invoker,
      dynamodb,
      tableName,
      region,
      ...(log ? { log } : {}),
      logError,
    });
    stops.push(machines.stop);
    const stepFunctionsServer = await startStepFunctionsServer(machines);
    stops.push(stepFunctionsServer.close);
    // Like each starter's binding in the CDK (the state machine's ARN), plus the endpoint.
    process.env.STEPFUNCTIONS_ENDPOINT = stepFunctionsServer.url;
    for (const [name, arn] of machines.arns) process.env[stateMachineArnVariable(name)] = arn;

    const bus = await createLocalEventBus({
      eventBusName: LOCAL_EVENT_BUS_NAME,
      rules,
      invoker,
      dataDir: options.dataDir,
      region,
      ...(options.delivery ? { delivery: options.delivery } : {}),
      logError,
    });
    stops.push(bus.close);
    const busServer = await startEventBusServer(bus);
    stops.push(busServer.close);
    // Like the bus binding in the CDK (EVENT_BUS_NAME), plus the endpoint of the local bus.
    process.env.EVENT_BUS_NAME = LOCAL_EVENT_BUS_NAME;
    process.env.EVENTBRIDGE_ENDPOINT = busServer.url;

    const http: LocalHttpServer = await startHttpServer({
      routes,
      invoker,
      signingKey,
      port: options.port,
      ...(log ? { log } : {}),
      logError,
    });
    stops.push(http.close);

    const streams = new DynamoDBStreamsClient({
      endpoint: dynamoEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    stops.push(async () => streams.destroy());
    const streamPollers = new Map<string, StreamPoller>();
    for (const [name, declaration] of Object.entries(functions)) {
      if (!("stream" in declaration && declaration.stream)) continue;
      const poller = await startStreamPoller({
        dynamodb,
        streams,
        tableName,
        functionName: name,
        invoker,
        dataDir: options.dataDir,
        region,
        ...(options.streamPollIntervalMs ? { pollIntervalMs: options.streamPollIntervalMs } : {}),
        logError,
      });
      streamPollers.set(name, poller);
      stops.push(poller.stop);
    }

    const scheduler = startLocalScheduler({
      schedules,
      invoker,
      ...(options.scheduleSpeedUp ? { speedUp: options.scheduleSpeedUp } : {}),
      ...(log ? { log } : {}),
      logError,
    });
    stops.push(scheduler.stop);

    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      dynamoEndpoint,
      tableName,
      dataDir: options.dataDir,
      bus,
      eventBusUrl: busServer.url,
      stateMachines: machines,
      scheduler,
      streamPollers,
      dynamoExited: dynamo?.exited ?? new Promise(() => {}),
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
