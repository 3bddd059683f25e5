import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createCompany } from "#lib/companies/service";
import { associateCompany, createContact, updateContact } from "#lib/contacts/service";
import { parseBusEvent } from "#lib/events/bus-event";
import { functions } from "#lib/wiring/functions";
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoDBClient } from "#local/dynamodb-local";
import { createLocalEventBus, type LocalEventBus } from "#local/event-bus";
import { type EventBusServer, startEventBusServer } from "#local/event-bus-server";
import { createFunctionInvoker } from "#local/function-invoker";
import { type StreamPoller, startStreamPoller } from "#local/stream-poller";
import { createTestTable, type TestTable } from "#test/support/dynamodb";

/**
 * Integration on DynamoDB Local: real transactions, the table's real stream read by the stream
 * poller, the real publisher handler, and the local bus behind its PutEvents endpoint. Polls
 * are driven by hand (`pollOnce`), so every assertion follows a completed poll, not a delay.
 */
const alice: Principal = { userId: "alice", roles: ["sales"] };

let table: TestTable;
let dataDir: string;
let bus: LocalEventBus;
let server: EventBusServer;
let streams: DynamoDBStreamsClient;
const invoker = createFunctionInvoker({ functions, region: LOCAL_REGION });

const startPoller = (dynamodbEndpoint: string): Promise<StreamPoller> =>
  startStreamPoller({
    dynamodb: localDynamoDBClient(dynamodbEndpoint),
    streams,
    tableName: table.tableName,
    functionName: "streamPublisher",
    invoker,
    dataDir,
    region: LOCAL_REGION,
    // Polls happen when the test says so.
    pollIntervalMs: 60_000,
  });

beforeAll(async () => {
  table = await createTestTable("events");
  dataDir = await mkdtemp(join(tmpdir(), "crm-events-"));
  bus = await createLocalEventBus({
    eventBusName: "crm-test",
    rules: [],
    invoker,
    dataDir,
    region: LOCAL_REGION,
  });
  server = await startEventBusServer(bus);
  // Read by the publisher handler when it is first loaded, as in the runtime.
  process.env.EVENT_BUS_NAME = "crm-test";
  process.env.EVENTBRIDGE_ENDPOINT = server.url;
  streams = new DynamoDBStreamsClient({
    endpoint: table.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  await server?.close();
  await bus?.close();
  streams?.destroy();
  await table?.delete();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const detailTypes = () => bus.events().map((event) => event["detail-type"]);

describe("from a committed change to exactly one event on the bus", () => {
  let poller: StreamPoller;

  it("announces a committed change once, and a failed transaction not at all", async () => {
    poller = await startPoller(table.endpoint);
    const ada = await createContact(
      {
        emails: ["ada@stream.example"],
        phones: [],
        lifecycleStage: "lead",
        tags: ["vip"],
        customFields: {},
        firstName: "Ada",
      },
      alice,
    );
    // Same email: the guard refuses the transaction, so nothing of it commits.
    await expect(
      createContact(
        {
          emails: ["ada@stream.example"],
          phones: [],
          lifecycleStage: "lead",
          tags: [],
          customFields: {},
          firstName: "Eve",
        },
        alice,
      ),
    ).rejects.toMatchObject({ code: "contact.email_taken" });
    await poller.pollOnce();
    expect(detailTypes()).toEqual(["contact.created"]);
    const event = parseBusEvent(bus.events()[0]);
    expect(event.detail).toMatchObject({ id: ada.id, actor: "alice", version: 1 });
    // The email guard and the tag facet were written in the same transaction: no events.
  });

  it("announces an association as one contact.updated, not the counter or the facet", async () => {
    const [ada] = bus.events().map((e) => parseBusEvent(e).detail);
    const company = await createCompany({ name: "Engines", tags: [], customFields: {} }, alice);
    await associateCompany(String(ada?.id), company.id, "founder", undefined, alice);
    await poller.pollOnce();
    expect(detailTypes()).toEqual(["contact.created", "company.created", "contact.updated"]);
    const update = parseBusEvent(bus.events()[2]);
    expect(Object.keys(update.detail.changes)).toEqual(["companies"]);
  });

  it("resumes after a restart from its checkpoint: no event lost, none repeated", async () => {
    await poller.stop();
    const checkpoint = JSON.parse(await readFile(poller.checkpointFile, "utf8"));
    expect(Object.keys(checkpoint.shards).length).toBeGreaterThan(0);
    const [ada] = bus.events().map((e) => parseBusEvent(e).detail);
    // Changed while no poller runs.
    await updateContact(String(ada?.id), { jobTitle: "Analyst" }, undefined, alice);

    poller = await startPoller(table.endpoint);
    await poller.pollOnce();
    await poller.pollOnce();
    expect(detailTypes()).toEqual([
      "contact.created",
      "company.created",
      "contact.updated",
      "contact.updated",
    ]);
    const ids = bus.events().map((e) => parseBusEvent(e).detail.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    await poller.stop();
  });
});
