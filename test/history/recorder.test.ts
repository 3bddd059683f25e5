import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "#functions/history-recorder/handler";
import { createContact } from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import { DomainError } from "#lib/errors/domain-error";
import { historyPartition } from "#lib/history/keys";
import { getHistory, recordHistory } from "#lib/history/service";
import { busEvent, loadBusEvent } from "#test/fixtures/bus-events/index";
import { lambdaContext } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";

/** Another record, so that every test starts from an empty history. */
let sequence = 0;
const otherContactId = () => `con_01JNQ8V4ZK3M5N7P9Q1R2S3T${String(sequence++).padStart(2, "0")}`;
const eventsOf = (contactId: string) => ({
  created: busEvent("contact.created", { id: contactId, eventId: `${contactId}-1` }),
  updated: busEvent("contact.updated", { id: contactId, eventId: `${contactId}-2` }),
  deleted: busEvent("contact.deleted", { id: contactId, eventId: `${contactId}-3` }),
});

const storedItems = async (contactId: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": historyPartition("contact", contactId) },
      }),
    )
  ).Items ?? [];

const rejectionOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
};

beforeAll(async () => {
  await createTestTable("history");
});

describe("recording history", () => {
  it("writes one entry per event, however often the event is delivered", async () => {
    const contactId = otherContactId();
    const { created } = eventsOf(contactId);
    expect(await recordHistory(created)).toBe("recorded");
    expect(await recordHistory(created)).toBe("duplicate");
    const redeliveries = await Promise.all([recordHistory(created), recordHistory(created)]);
    expect(redeliveries).toEqual(["duplicate", "duplicate"]);
    const items = await storedItems(contactId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ entityType: "history", eventId: `${contactId}-1` });
  });

  it("is what the rule's target function does with a delivered event", async () => {
    const contactId = otherContactId();
    const { updated } = eventsOf(contactId);
    await handler(updated, lambdaContext);
    await handler(updated, lambdaContext);
    expect(await storedItems(contactId)).toHaveLength(1);
  });

  it("refuses what is not a CRM domain event, so that EventBridge retries and dead-letters it", async () => {
    const broken = { ...loadBusEvent("contact.updated"), detail: { eventId: "x" } };
    expect(await rejectionOf(handler(broken, lambdaContext))).toMatchObject({
      name: "InvalidBusEvent",
    });
  });
});

describe("reading history", () => {
  it("pages newest first, one entry per change, with who changed what", async () => {
    const contactId = otherContactId();
    const { created, updated, deleted } = eventsOf(contactId);
    // Delivery order is not change order: the updated event arrives first.
    for (const event of [updated, created, deleted]) await recordHistory(event);

    const first = await getHistory({ entity: "contact", id: contactId }, { limit: 2 });
    expect(first.data.map((e) => e.type)).toEqual(["contact.deleted", "contact.updated"]);
    expect(first.data[1]).toEqual({
      eventId: `${contactId}-2`,
      occurredAt: "2026-03-02T10:30:00.000Z",
      actor: "support-7",
      type: "contact.updated",
      version: 2,
      changes: [
        { field: "jobTitle", to: "Analyst" },
        { field: "lifecycleStage", from: "lead", to: "customer" },
      ],
    });
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await getHistory(
      { entity: "contact", id: contactId },
      {
        limit: 2,
        cursor: first.nextCursor as string,
      },
    );
    expect(second.data.map((e) => e.type)).toEqual(["contact.created"]);
    expect(second.nextCursor).toBeNull();
  });

  it("keeps a deleted record's history, and 404s for a record that never existed", async () => {
    const contactId = otherContactId();
    await recordHistory(eventsOf(contactId).deleted);
    const page = await getHistory({ entity: "contact", id: contactId }, {});
    expect(page.data.map((e) => e.type)).toEqual(["contact.deleted"]);

    const error = await rejectionOf(getHistory({ entity: "contact", id: otherContactId() }, {}));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: "not_found", code: "contact.not_found" });
  });

  it("gives an existing record whose first event has not arrived yet an empty page", async () => {
    const contact = await createContact(
      {
        firstName: "Grace",
        emails: [],
        phones: [],
        lifecycleStage: "lead",
        tags: [],
        customFields: {},
      },
      { userId: "alice", roles: ["sales"] },
    );
    expect(await getHistory({ entity: "contact", id: contact.id }, {})).toEqual({
      data: [],
      nextCursor: null,
    });
  });

  it("refuses a cursor of another record's history", async () => {
    const [a, b] = [otherContactId(), otherContactId()];
    for (const event of Object.values(eventsOf(a))) await recordHistory(event);
    await recordHistory(eventsOf(b).created);
    const page = await getHistory({ entity: "contact", id: a }, { limit: 1 });
    const error = await rejectionOf(
      getHistory({ entity: "contact", id: b }, { cursor: page.nextCursor as string }),
    );
    expect(error).toMatchObject({ code: "request.invalid_cursor" });
  });
});
