import { describe, expect, it } from "vitest";
import { eventDefinitionOf } from "#events/catalogue";
import { sampleItems, sampleStreamRecords, streamRecord } from "#events/samples";
import { tombstoneItem } from "#lib/db/tombstone";
import { diffOf, domainEventOf } from "#lib/events/change-events";
import { publishedDetailTypes } from "#lib/events/published-entities";

const { contactV1, contactV2, fieldV1 } = sampleItems;

describe("which table changes become domain events", () => {
  it("a new record is <entity>.created, with its data and no changes", () => {
    const event = domainEventOf(streamRecord("INSERT", { new: contactV1 }));
    expect(event?.detailType).toBe("contact.created");
    expect(event?.envelope).toMatchObject({
      schemaVersion: 1,
      entity: "contact",
      id: contactV1.id,
      version: 1,
      actor: "user-alice",
      occurredAt: contactV1.updatedAt,
      changes: {},
    });
    expect(event?.envelope.data).not.toHaveProperty("pk");
    expect(event?.envelope.data).not.toHaveProperty("gsi3sk");
    expect(event?.envelope.data).not.toHaveProperty("entityType");
  });

  it("a changed record is <entity>.updated with the actor and each changed field", () => {
    const event = domainEventOf(streamRecord("MODIFY", { old: contactV1, new: contactV2 }));
    expect(event?.detailType).toBe("contact.updated");
    expect(event?.envelope.actor).toBe("user-bob");
    expect(event?.envelope.version).toBe(2);
    expect(event?.envelope.changes).toEqual({
      lifecycleStage: { from: "lead", to: "customer" },
      ownerId: { to: "user-bob" },
      tags: { from: ["vip"], to: ["vip", "enterprise"] },
    });
  });

  it("a deletion is <entity>.deleted from its tombstone, with who deleted it", () => {
    const tombstone = tombstoneItem(
      { pk: String(contactV2.pk), sk: String(contactV2.sk) },
      { entityType: "contact", id: String(contactV2.id), version: 2, deletedBy: "user-carol" },
      new Date("2026-11-24T08:00:00.000Z"),
    );
    const event = domainEventOf(streamRecord("INSERT", { new: tombstone }));
    expect(event?.detailType).toBe("contact.deleted");
    expect(event?.envelope).toMatchObject({
      id: contactV2.id,
      version: 2,
      actor: "user-carol",
      occurredAt: "2026-11-24T08:00:00.000Z",
      data: null,
      changes: {},
    });
    // The REMOVE of the record itself, and the tombstone's expiry, announce nothing.
    expect(domainEventOf(streamRecord("REMOVE", { old: contactV2 }))).toBeNull();
    expect(domainEventOf(streamRecord("REMOVE", { old: tombstone }))).toBeNull();
  });

  it("changeVerb names the event instead of created/updated, and never reaches data", () => {
    const event = domainEventOf(
      streamRecord("MODIFY", {
        old: contactV1,
        new: { ...contactV2, changeVerb: "stage_changed" },
      }),
    );
    expect(event?.detailType).toBe("contact.stage_changed");
    expect(event?.envelope.data).not.toHaveProperty("changeVerb");
    expect(event?.envelope.changes).not.toHaveProperty("changeVerb");
  });

  it("facets, guards, counters, idempotency records and revision items announce nothing", () => {
    const facet = { ...contactV1, pk: "contact#email#ada@example.com", facetName: "email" };
    const tag = { ...contactV1, sk: "tag#vip", facetName: "tag" };
    const counters = {
      pk: "company#co_1",
      sk: "counters",
      entityType: "counters",
      contactCount: 1,
    };
    const idempotency = {
      pk: "idempotency#abc",
      sk: "idempotency",
      entityType: "idempotency",
      version: 1,
    };
    const revision = {
      pk: "custom-fields#contact",
      sk: "#revision",
      entityType: "custom-field-revision",
      revision: 3,
    };
    for (const item of [facet, tag, counters, idempotency, revision]) {
      expect(domainEventOf(streamRecord("INSERT", { new: item }))).toBeNull();
      expect(domainEventOf(streamRecord("MODIFY", { old: item, new: item }))).toBeNull();
    }
  });

  it("a write that does not move the version announces nothing", () => {
    expect(
      domainEventOf(
        streamRecord("MODIFY", { old: contactV1, new: { ...contactV1, firstName: "X" } }),
      ),
    ).toBeNull();
  });

  it("custom fields are named <entity>.<key>", () => {
    const event = domainEventOf(streamRecord("INSERT", { new: fieldV1 }));
    expect(event?.detailType).toBe("custom_field.created");
    expect(event?.envelope.id).toBe("contact.tier");
  });

  it("gives a redelivered stream record the same eventId, and another change another one", () => {
    const first = domainEventOf(streamRecord("MODIFY", { old: contactV1, new: contactV2 }));
    const again = domainEventOf(streamRecord("MODIFY", { old: contactV1, new: contactV2 }));
    const other = domainEventOf(streamRecord("INSERT", { new: contactV1 }));
    expect(first?.envelope.eventId).toBe(again?.envelope.eventId);
    expect(first?.envelope.eventId).not.toBe(other?.envelope.eventId);
    expect(first?.envelope.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it("every detail-type the publisher can emit validates against its catalogue schema", () => {
    expect(Object.keys(sampleStreamRecords).sort()).toEqual(publishedDetailTypes().sort());
    for (const [detailType, record] of Object.entries(sampleStreamRecords)) {
      const event = domainEventOf(record);
      expect(event?.detailType).toBe(detailType);
      const result = eventDefinitionOf(detailType)?.schema.safeParse(event?.envelope);
      expect(result?.success, `${detailType}: ${JSON.stringify(result?.error?.issues)}`).toBe(true);
    }
  });
});

describe("diffOf", () => {
  it("reports added, removed and changed fields, ignoring bookkeeping and key order", () => {
    expect(
      diffOf(
        { a: 1, b: { x: 1, y: 2 }, gone: "g", version: 1, updatedAt: "t1", updatedBy: "u1" },
        { a: 2, b: { y: 2, x: 1 }, added: [1], version: 2, updatedAt: "t2", updatedBy: "u2" },
      ),
    ).toEqual({ a: { from: 1, to: 2 }, gone: { from: "g" }, added: { to: [1] } });
  });
});
