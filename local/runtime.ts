import { join } from "node:path";
import { functions, routes } from "#lib/wiring/index";
import { loadSigningKey } from "#local/auth";
import {
  type DynamoDBLocal,
  LOCAL_REGION,
  localDynamoDBClient,
  startDynamoDBLocal,
} from "#local/dynamodb-local";
import { createFunctionInvoker } from "#local/function-invoker";
import { LOCAL_HOST, type LocalHttpServer, portInUse, startHttpServer } from "#local/http-server";
import { isPortFree } from "#local/ports";
import { ensureTable } from "#local/table";

/**
 * The embedded local runtime: the CRM's wiring declaration (`lib/wiring`) brought up on one
 * machine. It is a composition of parts, started in dependency order and stopped in reverse:
 * DynamoDB Local, the table, then the HTTP API. Later parts (the stream publisher, the event
 * bus with its rules, the state machines and the schedules) are added here the same way.
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
}

export interface LocalRuntime {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly dataDir: string;
  /** Settles if DynamoDB Local dies on its own, so that the caller can shut down. */
  readonly dynamoExited: Promise<unknown>;
  /** Stops every part; safe to call more than once. */
  stop(): Promise<void>;
}

export const DEFAULT_TABLE_NAME = "crm-local";

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
    boundEndpoint = dynamoEndpoint;

    const http: LocalHttpServer = await startHttpServer({
      routes,
      invoker: createFunctionInvoker({ functions, region: process.env.AWS_REGION }),
      signingKey,
      port: options.port,
      ...(log ? { log } : {}),
      logError,
    });
    stops.push(http.close);

    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      dynamoEndpoint,
      tableName,
      dataDir: options.dataDir,
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
