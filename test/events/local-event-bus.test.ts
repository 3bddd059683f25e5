import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RuleDeclaration } from "#lib/wiring/rules";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb-local";
import { createLocalEventBus, type LocalEventBus } from "#local/event-bus";
import { type EventBusServer, startEventBusServer } from "#local/event-bus-server";
import { createFunctionInvoker, type LambdaHandler } from "#local/function-invoker";

/** The local bus through the unchanged SDK client, with targets that record or fail. */
let dataDir: string;
let bus: LocalEventBus;
let server: EventBusServer;
let client: EventBridgeClient;
const received: { name: string; event: unknown }[] = [];
let failuresLeft = 0;

const targets: Record<string, LambdaHandler> = {
  historyRecorder: async (event) => {
    received.push({ name: "historyRecorder", event });
  },
  webhookDispatcher: async (event) => {
    if (failuresLeft-- > 0) throw new Error("receiver down");
    received.push({ name: "webhookDispatcher", event });
  },
};

const rules: RuleDeclaration[] = [
  {
    name: "contacts-only",
    description: "contact events",
    pattern: { source: ["crm"], "detail-type": [{ prefix: "contact." }] },
    target: { function: "historyRecorder" },
  },
  {
    name: "deletions",
    description: "deletions of anything",
    pattern: { "detail-type": [{ suffix: ".deleted" }] },
    target: { function: "webhookDispatcher" },
  },
];

beforeEach(async () => {
  received.length = 0;
  failuresLeft = 0;
  dataDir = await mkdtemp(join(tmpdir(), "crm-bus-"));
  bus = await createLocalEventBus({
    eventBusName: "crm-test",
    rules,
    invoker: createFunctionInvoker({
      functions: { historyRecorder: { entry: "x" }, webhookDispatcher: { entry: "y" } },
      region: LOCAL_REGION,
      load: async (name) => targets[name] ?? (async () => {}),
    }),
    dataDir,
    region: LOCAL_REGION,
    delivery: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  });
  server = await startEventBusServer(bus);
  client = new EventBridgeClient({
    endpoint: server.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterEach(async () => {
  client.destroy();
  await server.close();
  await bus.close();
  await rm(dataDir, { recursive: true, force: true });
});

const put = (detailType: string, detail: object, EventBusName = "crm-test") =>
  client.send(
    new PutEventsCommand({
      Entries: [
        { Source: "crm", DetailType: detailType, Detail: JSON.stringify(detail), EventBusName },
      ],
    }),
  );

describe("the local EventBridge bus", () => {
  it("answers PutEvents like EventBridge and archives what it accepted", async () => {
    const answer = await put("company.created", { id: "co_1" });
    expect(answer.FailedEntryCount).toBe(0);
    const eventId = answer.Entries?.[0]?.EventId;
    expect(eventId).toBeTruthy();
    const event = await bus.waitFor((e) => e.id === eventId);
    expect(event).toMatchObject({
      source: "crm",
      "detail-type": "company.created",
      detail: { id: "co_1" },
    });
    await bus.idle();
    const archived = (await readFile(bus.archiveFile, "utf8")).trim().split("\n");
    expect(archived.map((line) => JSON.parse(line).id)).toEqual([eventId]);
  });

  it("refuses entries for another bus, per entry", async () => {
    const answer = await put("company.created", { id: "co_1" }, "someone-elses");
    expect(answer.FailedEntryCount).toBe(1);
    expect(answer.Entries?.[0]?.ErrorCode).toBe("ResourceNotFoundException");
    expect(bus.events()).toEqual([]);
  });

  it("invokes the target of every rule whose pattern matches, and only those", async () => {
    await put("contact.deleted", { id: "con_1" });
    await put("company.updated", { id: "co_1" });
    await bus.idle();
    expect(received.map((r) => r.name).sort()).toEqual(["historyRecorder", "webhookDispatcher"]);
    expect(
      received.every((r) => (r.event as { detail: { id: string } }).detail.id === "con_1"),
    ).toBe(true);
  });

  it("retries a failing target and delivers once it recovers", async () => {
    failuresLeft = 2;
    await put("company.deleted", { id: "co_9" });
    await bus.idle();
    expect(received.map((r) => r.name)).toEqual(["webhookDispatcher"]);
    expect(await bus.deadLetters()).toEqual([]);
  });

  it("moves an event whose attempts are exhausted to the dead-letter file", async () => {
    failuresLeft = 10;
    await put("company.deleted", { id: "co_9" });
    await bus.idle();
    const [letter, ...others] = await bus.deadLetters();
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      rule: "deletions",
      function: "webhookDispatcher",
      attempts: 3,
      error: "receiver down",
      event: { "detail-type": "company.deleted" },
    });
  });
});
