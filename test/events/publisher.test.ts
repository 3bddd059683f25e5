import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { DynamoDBRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { sampleItems, streamRecord } from "#events/samples";
import { publishStreamRecords } from "#lib/events/publisher";

const eventBridge = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: "eu-west-1" });

/** n consecutive versions of one contact, each a MODIFY: n events. */
const changes = (n: number): DynamoDBRecord[] =>
  Array.from({ length: n }, (_, i) =>
    streamRecord("MODIFY", {
      old: { ...sampleItems.contactV1, version: i + 1 },
      new: { ...sampleItems.contactV1, version: i + 2, firstName: `Ada ${i}` },
    }),
  );

const options = { client, eventBusName: "crm-bus", sleep: async () => {}, random: () => 0.5 };

const sentEntries = () =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

beforeEach(() => {
  eventBridge.reset();
});

describe("the stream publisher", () => {
  it("puts one entry per change, in calls of at most ten, on the configured bus", async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
    }));
    const records = changes(23);
    const result = await publishStreamRecords(records, options);
    expect(result.batchItemFailures).toEqual([]);
    const calls = sentEntries();
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    const entry = calls[0]?.[0];
    expect(entry).toMatchObject({
      Source: "crm",
      DetailType: "contact.updated",
      EventBusName: "crm-bus",
    });
    expect(JSON.parse(entry?.Detail ?? "{}")).toMatchObject({ entity: "contact", version: 2 });
  });

  it("puts nothing for records that announce nothing", async () => {
    const result = await publishStreamRecords(
      [streamRecord("REMOVE", { old: sampleItems.contactV1 })],
      options,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(sentEntries()).toEqual([]);
  });

  it("retries only the entries EventBridge refused, until they are accepted", async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: "a" },
          { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" },
          { EventId: "c" },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "b" }] });
    const records = changes(3);
    const result = await publishStreamRecords(records, options);
    expect(result.batchItemFailures).toEqual([]);
    const calls = sentEntries();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual([calls[0]?.[1]]);
  });

  it("waits with exponential backoff and jitter between attempts", async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error("network down"));
    const waits: number[] = [];
    await publishStreamRecords(changes(1), {
      ...options,
      maxAttempts: 4,
      baseDelayMs: 100,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([50, 100, 200]);
  });

  it("reports the records whose events it could not put, never dropping them silently", async () => {
    // EventBridge keeps refusing the event of version 3 (the second record's).
    const refused = (entry: { Detail?: string }) => JSON.parse(entry.Detail ?? "{}").version === 3;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail?: string }[] }) => ({
      FailedEntryCount: input.Entries.filter(refused).length,
      Entries: input.Entries.map((entry, i) =>
        refused(entry) ? { ErrorCode: "InternalFailure", ErrorMessage: "x" } : { EventId: `e${i}` },
      ),
    }));
    const records = changes(3);
    const result = await publishStreamRecords(records, { ...options, maxAttempts: 3 });
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: records[1]?.dynamodb?.SequenceNumber },
    ]);
    expect(sentEntries()).toHaveLength(3);
  });

  it("reports every record of a call that failed outright after its attempts", async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error("AccessDenied"));
    const records = changes(2);
    const result = await publishStreamRecords(records, { ...options, maxAttempts: 2 });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      records.map((r) => r.dynamodb?.SequenceNumber),
    );
    expect(sentEntries()).toHaveLength(2);
  });

  it("reports a record it cannot read, so that it reaches the on-failure queue", async () => {
    const broken = streamRecord("INSERT", { new: sampleItems.contactV1 });
    const malformed: DynamoDBRecord = {
      ...broken,
      dynamodb: { ...broken.dynamodb, NewImage: { version: { X: "?" } } as never },
    };
    const result = await publishStreamRecords([malformed], options);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: broken.dynamodb?.SequenceNumber }]);
  });
});
