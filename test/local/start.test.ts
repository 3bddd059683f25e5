import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "#local/data-dir";
import { JAVA_REQUIRED } from "#local/dynamodb-local";
import { ALL_INTERFACES, freePort } from "#local/ports";
import { runScript, scriptArgs } from "#test/local/fixtures/run-script";

/**
 * `npm start` as a developer runs it: a separate process (node with tsx's loader, then Java), stopped
 * with a signal. Each case gets its own data folder, whose path is on Java's command line; that
 * lets us find exactly our Java process, whatever else runs DynamoDB Local on this machine.
 */

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "crm-start-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Pids of the Java processes whose command line names this data folder. */
const javaFor = (dataDir: string): Promise<number[]> =>
  new Promise((resolvePids) => {
    execFile("pgrep", ["-f", `DynamoDBLocal.*${dataDir}`], (_error, stdout) =>
      resolvePids(
        stdout
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map(Number),
      ),
    );
  });

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const start = (args: readonly string[], env: NodeJS.ProcessEnv = process.env): Started => {
  const child = spawn(process.execPath, scriptArgs("local/start.ts", args), { cwd: repoRoot, env });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.on("close", (code) => resolveExit(code)),
  );
  return { child, output: () => output, exited };
};

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
};

const occupy = async (host: string): Promise<{ server: Server; port: number }> => {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, host, resolveListen));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
};

describe("npm start", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "serves the API, prints how to use it, and stops everything on %s",
    async (signal) => {
      // Prepare
      const dataDir = join(scratch, signal);
      const port = await freePort("127.0.0.1");
      const dynamoPort = await freePort(ALL_INTERFACES);
      const run = start([
        "--port",
        String(port),
        "--dynamo-port",
        String(dynamoPort),
        "--data-dir",
        dataDir,
      ]);
      try {
        await waitFor(() => run.output().includes("Press Ctrl-C"), "the banner");

        // Assess: the banner says where things are and how to get a token
        const banner = run.output();
        expect(banner).toContain(`HTTP API        http://127.0.0.1:${port}`);
        expect(banner).toContain(`DynamoDB Local  http://127.0.0.1:${dynamoPort}`);
        expect(banner).toMatch(/listens on ALL interfaces/);
        expect(banner).toContain("npm run -s token -- --role admin");
        expect(banner).toContain(
          `curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${port}/contacts`,
        );
        expect(banner).toContain(join(dataDir, "dynamodb"));

        // ...the API answers, behind the authorizer, and logs a line per request
        const response = await fetch(`http://127.0.0.1:${port}/contacts`);
        expect(response.status).toBe(401);
        await waitFor(() => /GET \/contacts -> 401/.test(run.output()), "the request log line");

        const java = await javaFor(dataDir);
        expect(java).toHaveLength(1);

        // Act
        run.child.kill(signal);

        // Assess: a clean exit, and no Java left
        expect(await run.exited).toBe(0);
        expect(run.output()).toContain("Stopped.");
        expect(await javaFor(dataDir)).toEqual([]);
      } finally {
        run.child.kill("SIGKILL");
      }
    },
    120_000,
  );

  it("fails in one line, before starting Java, when the HTTP port is taken", async () => {
    const dataDir = join(scratch, "http-taken");
    const { server, port } = await occupy("127.0.0.1");
    try {
      const result = await runScript("local/start.ts", [
        "--port",
        String(port),
        "--dynamo-port",
        String(await freePort(ALL_INTERFACES)),
        "--data-dir",
        dataDir,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: Port ${port} on 127.0.0.1 is already in use; stop what uses it or choose another port\n`,
      );
      expect(await javaFor(dataDir)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("fails in one line when DynamoDB Local's port is taken", async () => {
    const { server, port } = await occupy(ALL_INTERFACES);
    try {
      const result = await runScript("local/start.ts", [
        "--port",
        String(await freePort("127.0.0.1")),
        "--dynamo-port",
        String(port),
        "--data-dir",
        join(scratch, "dynamo-taken"),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^error: Port ${port} is already in use[^\\n]*\\n$`),
      );
    } finally {
      server.close();
    }
  });

  it("fails in one line when Java is missing", async () => {
    const noJava = join(scratch, "empty-bin");
    await mkdir(noJava, { recursive: true });
    const result = await runScript(
      "local/start.ts",
      ["--port", String(await freePort("127.0.0.1")), "--data-dir", join(scratch, "no-java")],
      { ...process.env, PATH: noJava },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${JAVA_REQUIRED}\n`);
  });

  it("refuses a bad port with a usage error", async () => {
    const result = await runScript("local/start.ts", ["--port", "http"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --port must be a port number/);
  });
});
