import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventDefinitionOf } from "#events/catalogue";
import type { Contact } from "#lib/contacts/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { ContactEvents } from "#lib/events/detail-types";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * A contact's life over HTTP, and the events the local runtime's stream poller, the same stream
 * publisher as in AWS, and the local bus make of it.
 */
let crm: TestRuntime;
let sales: ApiClient;

beforeAll(async () => {
  crm = await startTestRuntime();
  sales = crm.as("sales", "seller-1");
});

afterAll(async () => {
  await crm?.stop();
});

const ofRecord = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

/** Every event of the record, once each change has had the time to be announced. */
const eventsOf = (id: string) =>
  crm.bus.events().filter((event) => parseBusEvent(event).detail.id === id);

describe("domain events through the local runtime", () => {
  it("announces a contact's creation, update and deletion exactly once each", async () => {
    const created = await sales.post<Contact>("/contacts", {
      firstName: "Ada",
      emails: ["ada@events.example"],
      tags: ["vip"],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const createdEvent = parseBusEvent(await crm.bus.waitFor(ofRecord(id, ContactEvents.Created)));
    expect(createdEvent.source).toBe("crm");
    expect(createdEvent.detail).toMatchObject({
      entity: "contact",
      id,
      version: 1,
      actor: "seller-1",
      changes: {},
      data: { id, firstName: "Ada", emails: ["ada@events.example"], tags: ["vip"] },
    });
    expect(createdEvent.detail.data).not.toHaveProperty("pk");
    expect(createdEvent.detail.data).not.toHaveProperty("entityType");

    const updated = await crm
      .as("sales", "seller-2")
      .patch<Contact>(`/contacts/${id}`, { lastName: "Lovelace", tags: ["vip", "math"] });
    expect(updated.status).toBe(200);
    const updatedEvent = parseBusEvent(await crm.bus.waitFor(ofRecord(id, ContactEvents.Updated)));
    expect(updatedEvent.detail).toMatchObject({
      version: 2,
      actor: "seller-2",
      changes: {
        lastName: { to: "Lovelace" },
        tags: { from: ["vip"], to: ["vip", "math"] },
      },
    });
    expect(Object.keys(updatedEvent.detail.changes).sort()).toEqual(["lastName", "tags"]);

    const deleted = await crm.as("admin", "admin-1").delete(`/contacts/${id}`);
    expect(deleted.status).toBe(204);
    const deletedEvent = parseBusEvent(await crm.bus.waitFor(ofRecord(id, ContactEvents.Deleted)));
    expect(deletedEvent.detail).toMatchObject({
      version: 2,
      actor: "admin-1",
      data: null,
      changes: {},
    });

    // Each event validates against its catalogue schema.
    for (const event of [createdEvent, updatedEvent, deletedEvent]) {
      const definition = eventDefinitionOf(event["detail-type"]);
      expect(definition?.schema.safeParse(event.detail).success).toBe(true);
    }
    // A later change of another record, seen on the bus, means this record's stream records
    // have all been handled: no second event for any of its changes can still be coming.
    const other = await sales.post<Contact>("/contacts", { firstName: "Later" });
    await crm.bus.waitFor(ofRecord(other.body.id, ContactEvents.Created));
    expect(eventsOf(id).map((event) => event["detail-type"])).toEqual([
      ContactEvents.Created,
      ContactEvents.Updated,
      ContactEvents.Deleted,
    ]);
  });
});
