import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "#events/envelope";
import { handler } from "#functions/engagement-recorder/handler";
import { activityKey } from "#lib/activities/keys";
import type { CreateActivity } from "#lib/activities/schema";
import { createActivity, deleteActivity, updateActivity } from "#lib/activities/service";
import { companyKey } from "#lib/companies/keys";
import { getCompany } from "#lib/companies/service";
import { contactKey } from "#lib/contacts/keys";
import { deleteContact, getContact } from "#lib/contacts/service";
import { documentClient } from "#lib/db/client";
import { tombstoneKey } from "#lib/db/tombstone";
import { engagementKey } from "#lib/engagement/keys";
import { recordEngagement } from "#lib/engagement/service";
import { lambdaContext } from "#test/support/api-gateway-event";
import { createTestTable } from "#test/support/dynamodb";
import { installRequestMeter, type RequestMeter } from "../../bench/request-meter.ts";
import { alice, eventOfWrite, type Item, newCompany, newContact, rawItem } from "./support.ts";

/**
 * The engagement recorder against DynamoDB Local, fed the events the stream publisher makes of
 * real writes (its own mapping, `domainEventOf`, on the items the writes left).
 */
let meter: RequestMeter;

beforeAll(async () => {
  await createTestTable("engagement");
  meter = installRequestMeter(documentClient);
});

afterAll(() => meter.uninstall());

const contactRef = (id: string) => ({ entity: "contact" as const, id });
const companyRef = (id: string) => ({ entity: "company" as const, id });

const activityInput = (
  type: "call" | "note" | "email",
  links: CreateActivity["links"],
  occurredAt: string,
): CreateActivity =>
  type === "call"
    ? { type, occurredAt, links, direction: "inbound", durationSeconds: 30, outcome: "connected" }
    : type === "email"
      ? {
          type,
          occurredAt,
          links,
          direction: "inbound",
          from: "ada@example.com",
          to: ["bob@example.com"],
        }
      : { type, occurredAt, links, body: "Note" };

/** Creates an activity and returns it with the event its creation announces. */
const logActivity = async (...args: Parameters<typeof activityInput>) => {
  const activity = await createActivity(activityInput(...args), alice);
  const item = (await rawItem(activityKey(activity.id))) as Item;
  return { activity, event: eventOfWrite(undefined, item) };
};

/** Runs a change of an activity and returns the event it announces. */
const changeOf = async (id: string, change: () => Promise<unknown>): Promise<BusEvent> => {
  const before = (await rawItem(activityKey(id))) as Item;
  await change();
  const after = await rawItem(activityKey(id));
  return after
    ? eventOfWrite(before, after)
    : eventOfWrite(undefined, (await rawItem(tombstoneKey(activityKey(id)))) as Item);
};

const counts = (over: Record<string, number>) => ({
  email: 0,
  call: 0,
  meeting: 0,
  note: 0,
  social: 0,
  ...over,
});

describe("engagement from activity events", () => {
  it("counts a logged activity on every linked record, once however often it is delivered", async () => {
    const [ada, engines] = [await newContact("Ada"), await newCompany("Engines")];
    const { event } = await logActivity(
      "call",
      [contactRef(ada.id), companyRef(engines.id)],
      "2026-11-23T14:00:00Z",
    );

    expect(await recordEngagement(event)).toEqual([
      { record: `contact:${ada.id}`, outcome: "applied" },
      { record: `company:${engines.id}`, outcome: "applied" },
    ]);
    const redeliveries = await Promise.all([recordEngagement(event), recordEngagement(event)]);
    for (const outcomes of redeliveries) {
      expect(outcomes.map((o) => o.outcome)).toEqual(["duplicate", "duplicate"]);
    }
    await handler(event, lambdaContext);

    const expected = {
      lastActivityAt: "2026-11-23T14:00:00.000Z",
      activityCounts: counts({ call: 1 }),
    };
    expect((await getContact(ada.id)).engagement).toEqual(expected);
    expect((await getCompany(engines.id)).engagement).toEqual(expected);
  });

  it("is read with the record in one request", async () => {
    const ada = await newContact("Ada");
    const { result, tally } = await meter.measure(() => getContact(ada.id));
    expect(tally.requests).toEqual({ BatchGetItem: 1 });
    expect(result.engagement).toEqual({ lastActivityAt: null, activityCounts: counts({}) });
    const company = await newCompany("Engines");
    const read = await meter.measure(() => getCompany(company.id));
    expect(read.tally.requests).toEqual({ BatchGetItem: 1 });
    expect(read.result).toMatchObject({ id: company.id, engagement: { lastActivityAt: null } });
  });

  it("follows updates: a link removed decrements, a time moved back recomputes the latest", async () => {
    const [ada, bob] = [await newContact("Ada"), await newContact("Bob")];
    const older = await logActivity("note", [contactRef(ada.id)], "2026-11-01T00:00:00Z");
    const latest = await logActivity(
      "email",
      [contactRef(ada.id), contactRef(bob.id)],
      "2026-11-20T00:00:00Z",
    );
    for (const { event } of [older, latest]) await recordEngagement(event);
    expect((await getContact(ada.id)).engagement).toEqual({
      lastActivityAt: "2026-11-20T00:00:00.000Z",
      activityCounts: counts({ note: 1, email: 1 }),
    });

    // The email leaves Bob, and moves before Ada's note.
    const moved = await changeOf(latest.activity.id, () =>
      updateActivity(
        latest.activity.id,
        { links: [contactRef(ada.id)], occurredAt: "2026-10-01T00:00:00Z" },
        undefined,
        alice,
      ),
    );
    expect((await recordEngagement(moved)).map((o) => o.outcome)).toEqual(["applied", "applied"]);
    expect((await getContact(ada.id)).engagement).toEqual({
      lastActivityAt: "2026-11-01T00:00:00.000Z",
      activityCounts: counts({ note: 1, email: 1 }),
    });
    expect((await getContact(bob.id)).engagement).toEqual({
      lastActivityAt: null,
      activityCounts: counts({}),
    });
  });

  it("follows deletions from the links the deletion event carries", async () => {
    const [ada, engines] = [await newContact("Ada"), await newCompany("Engines")];
    const first = await logActivity("call", [contactRef(ada.id)], "2026-11-10T00:00:00Z");
    const second = await logActivity(
      "call",
      [contactRef(ada.id), companyRef(engines.id)],
      "2026-11-12T00:00:00Z",
    );
    for (const { event } of [first, second]) await recordEngagement(event);

    const deleted = await changeOf(second.activity.id, () =>
      deleteActivity(second.activity.id, undefined, alice),
    );
    expect(deleted["detail-type"]).toBe("activity.deleted");
    await recordEngagement(deleted);
    await recordEngagement(deleted);
    expect((await getContact(ada.id)).engagement).toEqual({
      lastActivityAt: "2026-11-10T00:00:00.000Z",
      activityCounts: counts({ call: 1 }),
    });
    expect((await getCompany(engines.id)).engagement).toEqual({
      lastActivityAt: null,
      activityCounts: counts({}),
    });
  });

  it("keeps exact counts when many events for one record arrive at once", async () => {
    const ada = await newContact("Ada");
    const logged = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        logActivity(i % 2 ? "call" : "note", [contactRef(ada.id)], `2026-11-0${i + 1}T00:00:00Z`),
      ),
    );
    await Promise.all(logged.map(({ event }) => recordEngagement(event)));
    expect((await getContact(ada.id)).engagement).toEqual({
      lastActivityAt: "2026-11-06T00:00:00.000Z",
      activityCounts: counts({ call: 3, note: 3 }),
    });
  });

  it("goes with its record, and a late event does not bring it back", async () => {
    const ada = await newContact("Ada");
    const first = await logActivity("call", [contactRef(ada.id)], "2026-11-10T00:00:00Z");
    await recordEngagement(first.event);
    expect(await rawItem(engagementKey(contactKey(ada.id)))).toBeDefined();

    const late = await logActivity("note", [contactRef(ada.id)], "2026-11-11T00:00:00Z");
    await deleteContact(ada.id, undefined, alice);
    expect(await rawItem(engagementKey(contactKey(ada.id)))).toBeUndefined();
    expect(await recordEngagement(late.event)).toEqual([
      { record: `contact:${ada.id}`, outcome: "record_gone" },
    ]);
    expect(await rawItem(engagementKey(contactKey(ada.id)))).toBeUndefined();
  });

  it("refuses, for a retry and the dead-letter queue, what is not a CRM event", async () => {
    const engines = await newCompany("Engines");
    const { event } = await logActivity("call", [companyRef(engines.id)], "2026-11-10T00:00:00Z");
    await expect(handler({ ...event, detail: { eventId: "x" } }, lambdaContext)).rejects.toThrow(
      "Not a CRM domain event",
    );
    expect(await rawItem(engagementKey(companyKey(engines.id)))).toBeUndefined();
  });
});
