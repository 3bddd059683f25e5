import { join } from "node:path";
import { parseArgs } from "node:util";
import { parsePort, UsageError } from "#local/cli-args";
import { resolveDataDir } from "#local/data-dir";
import { LOCAL_EVENT_BUS_NAME, type LocalRuntime, startLocalRuntime } from "#local/runtime";
import { isStartupError } from "#local/startup-error";

/**
 * `npm start`: the whole CRM on this machine, with its data kept under the data folder so that
 * a restart finds it again. Ctrl-C (or SIGTERM) stops the HTTP server and DynamoDB Local and
 * leaves no process behind. Problems the developer can fix (no Java, a taken port) are one line
 * on standard error and a non-zero exit.
 */

const USAGE = `Usage: npm start -- [--port <n>] [--dynamo-port <n>] [--data-dir <dir>] [--in-memory] [--quiet]
  --port         HTTP port on 127.0.0.1 (default: PORT or 3000)
  --dynamo-port  DynamoDB Local's port, on all interfaces (default: DYNAMODB_PORT or 8000)
  --data-dir     where data and the signing key live (default: CRM_DATA_DIR or .data)
  --in-memory    keep the database in memory: it is gone when the runtime stops
  --quiet        no line per request`;

const parse = () => {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "dynamo-port": { type: "string" },
      "data-dir": { type: "string" },
      "in-memory": { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return undefined;
  return {
    port: parsePort(values.port ?? process.env.PORT ?? "3000", "--port"),
    dynamoPort: parsePort(
      values["dynamo-port"] ?? process.env.DYNAMODB_PORT ?? "8000",
      "--dynamo-port",
    ),
    dataDir: resolveDataDir(values["data-dir"]),
    inMemory: values["in-memory"] ?? false,
    quiet: values.quiet ?? false,
  };
};

const banner = (runtime: LocalRuntime, options: NonNullable<ReturnType<typeof parse>>) => {
  const storage = options.inMemory ? "in memory (lost on stop)" : join(options.dataDir, "dynamodb");
  return `
CRM local runtime is up.
  HTTP API        ${runtime.url}  (127.0.0.1 only)
  DynamoDB Local  ${runtime.dynamoEndpoint}  (listens on ALL interfaces: it has no host option, so
                  anyone who can reach this machine on port ${options.dynamoPort} can read and change the data)
  Table           ${runtime.tableName}, data ${storage}
  Event bus       ${runtime.eventBusUrl}  (EventBridge PutEvents, bus ${LOCAL_EVENT_BUS_NAME}; 127.0.0.1 only)

Get a token and call the API:
  TOKEN=$(npm run -s token -- --role admin)
  curl -H "Authorization: Bearer $TOKEN" ${runtime.url}/contacts

Roles: admin, sales, support, marketing, read-only (repeat --role for several; --user sets the caller).
Press Ctrl-C to stop.
`;
};

const fail = (message: string, code: number): never => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
};

const main = async () => {
  let options: ReturnType<typeof parse>;
  try {
    options = parse();
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime(options);
  } catch (error) {
    if (isStartupError(error)) fail(error.message, 1);
    throw error;
  }
  process.stdout.write(banner(runtime, options));

  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) {
      // A second Ctrl-C: stop waiting. The exit hook still kills DynamoDB Local.
      process.stderr.write("Forced exit.\n");
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${why}: stopping the HTTP server and DynamoDB Local...\n`);
    await runtime.stop();
    process.stdout.write("Stopped.\n");
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void shutdown(signal, 0));
  }
  void runtime.dynamoExited.then(() => {
    if (!stopping) {
      process.stderr.write("error: DynamoDB Local stopped unexpectedly\n");
      void shutdown("DynamoDB Local is gone", 1);
    }
  });
};

await main();
