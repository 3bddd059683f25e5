import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IntegrationEvents } from "#events/integration/catalogue";
import { integrationExamples } from "#events/integration/samples";
import type { Activity } from "#lib/activities/schema";
import type { Contact } from "#lib/contacts/schema";
import type { Page } from "#lib/http/response";
import { interactionActivityId } from "#lib/interactions/activity-id";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb-local";
import { LOCAL_EVENT_BUS_NAME } from "#local/runtime";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * An integration puts interaction events on the local bus with the unchanged EventBridge SDK,
 * as it would in AWS; the `interaction-ingest` rule turns each into one activity on the right
 * contact's timeline, however often the same event is put.
 */
let crm: TestRuntime;
let sales: ApiClient;
let bus: EventBridgeClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  sales = crm.as("sales", "seller-1");
  bus = new EventBridgeClient({
    endpoint: crm.runtime.eventBusUrl,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  bus?.destroy();
  await crm?.stop();
});

const SOURCE = "integration.mailbox";
const example = integrationExamples[IntegrationEvents.EmailReceived];

/** An email from `from`, with an id of its own. */
const emailFrom = (from: string, externalId = `msg-${randomUUID()}`) => ({
  ...example.detail,
  externalId,
  from,
  subject: "Proposal",
  snippet: "The numbers look right.",
});

const put = async (detailType: string, detail: object, source = SOURCE) => {
  const answer = await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: LOCAL_EVENT_BUS_NAME,
          Source: source,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(answer.FailedEntryCount).toBe(0);
};

/** Asks again until `check` passes: the bus delivers within moments, not at once. */
const eventually = async <T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const timelineOf = async (contactId: string) => {
  const response = await sales.get<Page<Activity>>(`/contacts/${contactId}/timeline`);
  expect(response.status).toBe(200);
  return response.body.data;
};

const contactByEmail = async (email: string) => {
  const response = await sales.get<Page<Contact>>("/contacts", { query: { email } });
  expect(response.status).toBe(200);
  return response.body.data[0];
};

const ingestDeadLetters = async () =>
  (await crm.bus.deadLetters()).filter((letter) => letter.rule === "interaction-ingest");

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}@e2e.example`;

describe("inbound interaction events through the local runtime", () => {
  it("puts a received email on the sender's timeline, once however often it is delivered", async () => {
    const address = unique("ada");
    const created = await sales.post<Contact>("/contacts", { firstName: "Ada", emails: [address] });
    expect(created.status).toBe(201);
    const detail = emailFrom(address.toUpperCase());

    await put(IntegrationEvents.EmailReceived, detail);
    const timeline = await eventually(
      () => timelineOf(created.body.id),
      (data) => data.length > 0,
    );
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      id: interactionActivityId(SOURCE, IntegrationEvents.EmailReceived, detail.externalId),
      type: "email",
      direction: "inbound",
      from: address,
      subject: "Proposal",
      links: [{ entity: "contact", id: created.body.id }],
      origin: { source: SOURCE, externalId: detail.externalId },
    });

    // The same interaction again, twice: nothing new.
    await put(IntegrationEvents.EmailReceived, detail);
    await put(IntegrationEvents.EmailReceived, detail);
    await crm.bus.idle();
    expect(await timelineOf(created.body.id)).toHaveLength(1);
    expect(await ingestDeadLetters()).toEqual([]);
  });

  it("creates the contact of an unknown sender, tagged with the integration", async () => {
    const address = unique("grace");
    await put(IntegrationEvents.EmailReceived, emailFrom(address));
    const contact = await eventually(
      () => contactByEmail(address),
      (found) => found !== undefined,
    );
    expect(contact).toMatchObject({
      emails: [address],
      tags: [SOURCE],
      createdBy: SOURCE,
      ownerId: example.detail.ownerId,
    });
    if (!contact) return;
    const timeline = await eventually(
      () => timelineOf(contact.id),
      (data) => data.length > 0,
    );
    expect(timeline.map((a) => a.type)).toEqual(["email"]);
  });

  it("drops an invalid event without creating anything or retrying it", async () => {
    const address = unique("nobody");
    await put(IntegrationEvents.EmailReceived, { ...emailFrom(address), to: [] });
    await put(IntegrationEvents.EmailReceived, emailFrom(address), "integration.Not_Valid");
    await crm.bus.idle();
    expect(await contactByEmail(address)).toBeUndefined();
    // Rejected, not failed: nothing was retried into the dead letters.
    expect(await ingestDeadLetters()).toEqual([]);
  });
});
