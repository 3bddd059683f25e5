import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { IntegrationEvents } from "#events/integration/catalogue";
import { integrationExamples } from "#events/integration/samples";
import { getActivity, getTimeline } from "#lib/activities/service";
import type { Principal } from "#lib/auth/principal";
import type { CreateContact } from "#lib/contacts/schema";
import {
  createContact,
  deleteContact,
  findContactByEmail,
  findContactsByPhone,
  getContact,
} from "#lib/contacts/service";
import { createCustomField, deleteCustomField } from "#lib/custom-fields/service";
import { interactionActivityId } from "#lib/interactions/activity-id";
import type { InteractionsConfig } from "#lib/interactions/config";
import { type IngestOutcome, ingestInteraction } from "#lib/interactions/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/** The ingest service against DynamoDB Local: matching, creating, skipping, deduplicating. */
const seller: Principal = { userId: "seller-1", roles: ["sales"] };
const creating: InteractionsConfig = { createUnknownContacts: true };
const notCreating: InteractionsConfig = { createUnknownContacts: false };

const received = integrationExamples[IntegrationEvents.EmailReceived];
const sent = integrationExamples[IntegrationEvents.EmailSent];
const call = integrationExamples[IntegrationEvents.CallLogged];
const meeting = integrationExamples[IntegrationEvents.MeetingScheduled];

/** Unique per test, so that the tests of this file share one table without meeting. */
const address = (name: string) => `${name}-${randomUUID().slice(0, 8)}@ingest.example`;
const externalId = () => `ext-${randomUUID()}`;

type Example = (typeof integrationExamples)[keyof typeof integrationExamples];
const withDetail = <E extends Example>(example: E, detail: Partial<E["detail"]>) => ({
  ...example,
  id: randomUUID(),
  detail: { ...example.detail, externalId: externalId(), ...detail },
});

const contact = (over: Partial<CreateContact>): CreateContact => ({
  emails: [],
  phones: [],
  lifecycleStage: "customer",
  tags: [],
  customFields: {},
  ...over,
});

const timelineIds = async (contactId: string) =>
  (await getTimeline("contact", contactId, {})).data.map((activity) => activity.id);

const recorded = (outcome: IngestOutcome) => {
  if (outcome.outcome !== "recorded") throw new Error(`not recorded: ${JSON.stringify(outcome)}`);
  return outcome;
};

beforeAll(async () => {
  await createTestTable("interactions");
});

describe("matching by email", () => {
  it("records a received email on the contact of its sender", async () => {
    const ada = await createContact(
      contact({ firstName: "Ada", emails: [address("ada")] }),
      seller,
    );
    const event = withDetail(received, { from: ada.emails[0] });
    const outcome = recorded(await ingestInteraction(event, creating));
    expect(outcome).toMatchObject({
      activityId: interactionActivityId(
        event.source,
        event["detail-type"],
        event.detail.externalId,
      ),
      contactIds: [ada.id],
      createdContactIds: [],
      unmatched: [],
      event: { eventId: event.id, source: "integration.mailbox", detailType: "email.received" },
    });
    const activity = await getActivity(outcome.activityId);
    expect(activity).toMatchObject({
      type: "email",
      direction: "inbound",
      from: ada.emails[0],
      links: [{ entity: "contact", id: ada.id }],
      origin: { source: "integration.mailbox", externalId: event.detail.externalId },
      ownerId: "user-bob",
      createdBy: "integration.mailbox",
    });
    expect(await timelineIds(ada.id)).toEqual([outcome.activityId]);
  });

  it("links a sent email to every recipient, by any of their addresses, once each", async () => {
    const [first, second] = [address("bea"), address("bea-private")];
    const bea = await createContact(contact({ firstName: "Bea", emails: [first, second] }), seller);
    const cid = await createContact(
      contact({ firstName: "Cid", emails: [address("cid")] }),
      seller,
    );
    const outcome = recorded(
      await ingestInteraction(
        withDetail(sent, { to: [first, cid.emails[0] ?? "", second] }),
        notCreating,
      ),
    );
    expect(outcome.contactIds).toEqual([bea.id, cid.id]);
    expect((await getActivity(outcome.activityId)).direction).toBe("outbound");
  });
});

describe("matching by phone", () => {
  it("records a call on the contact with that number, however it is written", async () => {
    const dan = await createContact(
      contact({ firstName: "Dan", phones: [{ number: "+44 (20) 7946-0101", label: "work" }] }),
      seller,
    );
    const outcome = recorded(
      await ingestInteraction(withDetail(call, { phoneNumber: "+442079460101" }), notCreating),
    );
    expect(outcome.contactIds).toEqual([dan.id]);
    expect(await getActivity(outcome.activityId)).toMatchObject({
      type: "call",
      phone: "+442079460101",
      durationSeconds: 412,
      outcome: "connected",
    });
  });

  it("records a call on every contact that shares the number", async () => {
    const shared = "+1 415 555 0199";
    const eve = await createContact(
      contact({ firstName: "Eve", phones: [{ number: shared, label: "work" }] }),
      seller,
    );
    const fay = await createContact(
      contact({ firstName: "Fay", phones: [{ number: shared, label: "work" }] }),
      seller,
    );
    const outcome = recorded(
      await ingestInteraction(withDetail(call, { phoneNumber: shared }), creating),
    );
    expect([...outcome.contactIds].sort()).toEqual([eve.id, fay.id].sort());
    expect(outcome.createdContactIds).toEqual([]);
  });
});

describe("unknown people", () => {
  it("creates the contact of an unknown address, tagged with the integration", async () => {
    const stranger = address("stranger");
    const outcome = recorded(
      await ingestInteraction(withDetail(received, { from: stranger }), creating),
    );
    expect(outcome.createdContactIds).toHaveLength(1);
    expect(outcome.contactIds).toEqual(outcome.createdContactIds);
    const created = await findContactByEmail(stranger);
    expect(created).toMatchObject({
      id: outcome.createdContactIds[0],
      emails: [stranger],
      phones: [],
      tags: ["integration.mailbox"],
      lifecycleStage: "lead",
      ownerId: "user-bob",
      createdBy: "integration.mailbox",
    });
    expect(await timelineIds(created?.id ?? "")).toEqual([outcome.activityId]);
  });

  it("creates the contact of an unknown number", async () => {
    const number = "+33 1 70 36 00 99";
    const outcome = recorded(
      await ingestInteraction(withDetail(call, { phoneNumber: number }), creating),
    );
    const [created] = await findContactsByPhone(number, 10);
    expect(created).toMatchObject({
      id: outcome.createdContactIds[0],
      emails: [],
      phones: [{ number, label: "other" }],
      tags: ["integration.phone-system"],
    });
  });

  it("skips an interaction with nobody known when creation is off, writing nothing", async () => {
    const stranger = address("unknown");
    const event = withDetail(received, { from: stranger });
    const outcome = await ingestInteraction(event, notCreating);
    expect(outcome).toEqual({
      outcome: "skipped",
      reason: "no_contact",
      activityId: interactionActivityId(
        event.source,
        event["detail-type"],
        event.detail.externalId,
      ),
      unmatched: ["creation_disabled"],
      event: { eventId: event.id, source: event.source, detailType: event["detail-type"] },
    });
    expect(await findContactByEmail(stranger)).toBeUndefined();
    if (outcome.outcome !== "skipped") return;
    expect((await rejectionOf(getActivity(outcome.activityId))).kind).toBe("not_found");

    const unknownNumber = await ingestInteraction(
      withDetail(call, { phoneNumber: "+81 3 0000 0001" }),
      notCreating,
    );
    expect(unknownNumber).toMatchObject({ outcome: "skipped", unmatched: ["creation_disabled"] });
    expect(await findContactsByPhone("+81 3 0000 0001", 10)).toEqual([]);
  });

  it("with creation off, links the attendees it knows and leaves out the others", async () => {
    const gus = await createContact(
      contact({ firstName: "Gus", emails: [address("gus")] }),
      seller,
    );
    const outsider = address("outsider");
    const outcome = recorded(
      await ingestInteraction(
        withDetail(meeting, { attendees: [outsider, gus.emails[0] ?? ""] }),
        notCreating,
      ),
    );
    expect(outcome.contactIds).toEqual([gus.id]);
    expect(outcome.unmatched).toEqual(["creation_disabled"]);
    expect(await findContactByEmail(outsider)).toBeUndefined();
    expect(await getActivity(outcome.activityId)).toMatchObject({
      type: "meeting",
      attendees: [outsider, gus.emails[0]],
      links: [{ entity: "contact", id: gus.id }],
    });
  });
});

describe("duplicates", () => {
  it("makes one activity of a redelivered event, and does nothing the second time", async () => {
    const stranger = address("twice");
    const event = withDetail(received, { from: stranger });
    const first = recorded(await ingestInteraction(event, creating));
    const again = await ingestInteraction({ ...event, id: randomUUID() }, creating);
    expect(again).toMatchObject({ outcome: "duplicate", activityId: first.activityId });
    const contactId = first.contactIds[0] ?? "";
    expect(await timelineIds(contactId)).toEqual([first.activityId]);

    // Not even a contact deleted since is made again by a late redelivery.
    const current = await getContact(contactId);
    await deleteContact(contactId, current.version, seller);
    expect(await ingestInteraction(event, creating)).toMatchObject({ outcome: "duplicate" });
    expect(await findContactByEmail(stranger)).toBeUndefined();
  });

  it("makes one activity and one contact of concurrent first deliveries of one event", async () => {
    const stranger = address("racer");
    const event = withDetail(received, { from: stranger });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => ingestInteraction(event, creating)),
    );
    for (const outcome of outcomes) expect(["recorded", "duplicate"]).toContain(outcome.outcome);
    const created = outcomes.flatMap((o) => (o.outcome === "recorded" ? o.createdContactIds : []));
    expect(created).toHaveLength(1);
    const holder = await findContactByEmail(stranger);
    expect(holder?.id).toBe(created[0]);
    expect(await timelineIds(holder?.id ?? "")).toEqual([
      interactionActivityId(event.source, event["detail-type"], event.detail.externalId),
    ]);
  });

  it("makes one contact of concurrent different interactions with the same unknown address", async () => {
    const stranger = address("busy");
    const events = Array.from({ length: 5 }, () => withDetail(received, { from: stranger }));
    const outcomes = (await Promise.all(events.map((e) => ingestInteraction(e, creating)))).map(
      recorded,
    );
    const holder = await findContactByEmail(stranger);
    expect(new Set(outcomes.flatMap((o) => o.contactIds))).toEqual(new Set([holder?.id]));
    expect(outcomes.flatMap((o) => o.createdContactIds)).toEqual([holder?.id]);
    expect((await timelineIds(holder?.id ?? "")).sort()).toEqual(
      outcomes.map((o) => o.activityId).sort(),
    );
  });

  it("tells interactions apart by source, detail-type and external id", async () => {
    const hal = await createContact(
      contact({ firstName: "Hal", emails: [address("hal")] }),
      seller,
    );
    const base = withDetail(received, { from: hal.emails[0] });
    const outcomes = await Promise.all([
      ingestInteraction(base, creating),
      ingestInteraction({ ...base, source: "integration.other-mailbox" }, creating),
      ingestInteraction(
        { ...base, detail: { ...base.detail, externalId: externalId() } },
        creating,
      ),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(["recorded", "recorded", "recorded"]);
    expect(await timelineIds(hal.id)).toHaveLength(3);
  });
});

describe("invalid events", () => {
  it("rejects a malformed event with the reasons, and writes nothing", async () => {
    const stranger = address("malformed");
    const outcome = await ingestInteraction(
      withDetail(received, { from: stranger, to: [], occurredAt: "soon" }),
      creating,
    );
    expect(outcome).toMatchObject({
      outcome: "rejected",
      issues: [
        { path: "detail.occurredAt", message: expect.any(String) },
        { path: "detail.to", message: expect.any(String) },
      ],
    });
    expect(await findContactByEmail(stranger)).toBeUndefined();
  });

  it("rejects events of other sources and detail-types that reach it", async () => {
    for (const raw of [
      { ...received, source: "crm" },
      { ...received, "detail-type": "contact.created" },
      { ...received, detail: "not an object" },
      undefined,
    ]) {
      expect((await ingestInteraction(raw, creating)).outcome, JSON.stringify(raw)).toBe(
        "rejected",
      );
    }
  });
});

describe("contacts the CRM refuses", () => {
  it("skips the interaction, naming why, when a new contact would lack a required field", async () => {
    const admin: Principal = { userId: "root", roles: ["admin"] };
    await createCustomField(
      { entity: "contact", key: "segment", label: "Segment", type: "text", required: true },
      admin,
    );
    try {
      const stranger = address("incomplete");
      const outcome = await ingestInteraction(withDetail(received, { from: stranger }), creating);
      expect(outcome).toMatchObject({
        outcome: "skipped",
        unmatched: ["contact.invalid_custom_fields"],
      });
      expect(await findContactByEmail(stranger)).toBeUndefined();
    } finally {
      await deleteCustomField("contact", "segment", undefined, admin);
    }
  });
});
