import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activityKey } from "#lib/activities/keys";
import type { Activity, CreateActivity } from "#lib/activities/schema";
import {
  createActivity,
  deleteActivity,
  getActivity,
  getTimeline,
  updateActivity,
} from "#lib/activities/service";
import { documentClient } from "#lib/db/client";
import { tombstoneKey } from "#lib/db/tombstone";
import { newId } from "#lib/records/ids";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";
import { installRequestMeter, type RequestMeter } from "../../bench/request-meter.ts";
import { alice, newCompany, newContact, partitionItems, rawItem } from "./support.ts";

let meter: RequestMeter;

beforeAll(async () => {
  await createTestTable("activities");
  meter = installRequestMeter(documentClient);
});

afterAll(() => meter.uninstall());

const contactRef = (id: string) => ({ entity: "contact" as const, id });
const companyRef = (id: string) => ({ entity: "company" as const, id });

const call = (
  links: CreateActivity["links"],
  occurredAt = "2026-11-23T14:00:00Z",
): CreateActivity => ({
  type: "call",
  occurredAt,
  links,
  direction: "outbound",
  durationSeconds: 300,
  outcome: "connected",
});

const note = (links: CreateActivity["links"], occurredAt: string): CreateActivity => ({
  type: "note",
  occurredAt,
  links,
  body: `Note at ${occurredAt}`,
});

const ids = (page: { data: readonly Activity[] }) => page.data.map((a) => a.id);

describe("creating an activity", () => {
  it("writes the activity and one timeline copy per linked record, in one transaction", async () => {
    const [ada, engines] = [await newContact("Ada"), await newCompany("Analytical Engines")];
    const { result: activity, tally } = await meter.measure(() =>
      createActivity(call([contactRef(ada.id), companyRef(engines.id)]), alice),
    );
    expect(tally.requests).toEqual({ TransactWriteItems: 1 });
    expect(activity).toMatchObject({
      type: "call",
      occurredAt: "2026-11-23T14:00:00.000Z",
      ownerId: "alice",
      version: 1,
      createdBy: "alice",
    });
    const items = await partitionItems(activityKey(activity.id).pk);
    expect(items.map((i) => i.sk).sort()).toEqual([
      "activity",
      `link#company#${engines.id}`,
      `link#contact#${ada.id}`,
    ]);
    expect(await getActivity(activity.id)).toEqual(activity);
    expect(ids(await getTimeline("contact", ada.id, {}))).toEqual([activity.id]);
    expect(ids(await getTimeline("company", engines.id, {}))).toEqual([activity.id]);
    expect((await getTimeline("contact", ada.id, {})).data[0]).toEqual(activity);
  });

  it("refuses links to records that do not exist with a 422 naming each, and writes nothing", async () => {
    const ada = await newContact("Ada");
    const ghostContact = newId("con");
    const ghostCompany = newId("co");
    const id = newId("act");
    const error = await rejectionOf(
      createActivity(
        call([contactRef(ada.id), contactRef(ghostContact), companyRef(ghostCompany)]),
        alice,
        { id },
      ),
    );
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "activity.linked_record_not_found",
      extensions: { missing: [`contact:${ghostContact}`, `company:${ghostCompany}`] },
    });
    expect(await partitionItems(activityKey(id).pk)).toEqual([]);
    expect((await getTimeline("contact", ada.id, {})).data).toEqual([]);
  });

  it("makes a second create under the same id and origin a no-op that returns the first", async () => {
    const ada = await newContact("Ada");
    const id = newId("act");
    const origin = { source: "integration.gmail", externalId: "msg-1" };
    const first = await createActivity(call([contactRef(ada.id)]), alice, { id, origin });
    const again = await createActivity(call([contactRef(ada.id)], "2026-11-24T00:00:00Z"), alice, {
      id,
      origin,
    });
    expect(again).toEqual(first);
    expect(first.origin).toEqual(origin);
    expect(ids(await getTimeline("contact", ada.id, {}))).toEqual([id]);

    const other = await rejectionOf(
      createActivity(call([contactRef(ada.id)]), alice, {
        id,
        origin: { source: "integration.gmail", externalId: "msg-2" },
      }),
    );
    expect(other).toMatchObject({ kind: "conflict", code: "activity.id_taken" });
  });
});

describe("changing an activity", () => {
  it("moves its timeline copies with its links and its time", async () => {
    const [a, b] = [await newContact("A"), await newContact("B")];
    const engines = await newCompany("Engines");
    const older = await createActivity(note([contactRef(b.id)], "2026-11-20T00:00:00Z"), alice);
    const moving = await createActivity(call([contactRef(a.id), contactRef(b.id)]), alice);
    expect(ids(await getTimeline("contact", b.id, {}))).toEqual([moving.id, older.id]);

    const updated = await updateActivity(
      moving.id,
      { links: [contactRef(b.id), companyRef(engines.id)], occurredAt: "2026-11-19T00:00:00Z" },
      1,
      alice,
    );
    expect(updated).toMatchObject({ version: 2, occurredAt: "2026-11-19T00:00:00.000Z" });
    expect((await getTimeline("contact", a.id, {})).data).toEqual([]);
    expect(ids(await getTimeline("contact", b.id, {}))).toEqual([older.id, moving.id]);
    expect((await getTimeline("company", engines.id, {})).data).toEqual([updated]);
    const items = await partitionItems(activityKey(moving.id).pk);
    expect(items.map((i) => i.sk).sort()).toEqual([
      "activity",
      `link#company#${engines.id}`,
      `link#contact#${b.id}`,
    ]);
    // Every copy is the activity as it is now.
    for (const item of items) {
      expect(item).toMatchObject({ version: 2, occurredAt: "2026-11-19T00:00:00.000Z" });
    }
  });

  it("refuses a link to a missing record with a 422, and changes nothing", async () => {
    const ada = await newContact("Ada");
    const activity = await createActivity(call([contactRef(ada.id)]), alice);
    const ghost = newId("co");
    const error = await rejectionOf(
      updateActivity(
        activity.id,
        { links: [contactRef(ada.id), companyRef(ghost)], title: "Moved" },
        undefined,
        alice,
      ),
    );
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "activity.linked_record_not_found",
      extensions: { missing: [`company:${ghost}`] },
    });
    expect(await getActivity(activity.id)).toEqual(activity);
  });

  it("refuses fields of another type than the stored one, naming them", async () => {
    const ada = await newContact("Ada");
    const activity = await createActivity(call([contactRef(ada.id)]), alice);
    const error = await rejectionOf(
      updateActivity(activity.id, { subject: "Hello", handle: "@ada" }, undefined, alice),
    );
    expect(error).toMatchObject({
      kind: "invalid",
      code: "activity.fields_of_another_type",
      fieldErrors: [{ path: "body.subject" }, { path: "body.handle" }],
    });
    expect(await getActivity(activity.id)).toEqual(activity);
  });

  it("answers a stale If-Match with a 412 and an unknown id with a 404", async () => {
    const ada = await newContact("Ada");
    const activity = await createActivity(call([contactRef(ada.id)]), alice);
    await updateActivity(activity.id, { title: "First" }, 1, alice);
    expect(
      await rejectionOf(updateActivity(activity.id, { title: "Second" }, 1, alice)),
    ).toMatchObject({ kind: "precondition_failed", extensions: { currentVersion: 2 } });
    expect(
      await rejectionOf(updateActivity(newId("act"), { title: "x" }, undefined, alice)),
    ).toMatchObject({ kind: "not_found", code: "activity.not_found" });
  });

  it("deletes the activity and its copies; the tombstone keeps its links for the event", async () => {
    const [ada, engines] = [await newContact("Ada"), await newCompany("Engines")];
    const activity = await createActivity(
      call([contactRef(ada.id), companyRef(engines.id)]),
      alice,
    );
    await deleteActivity(activity.id, 1, alice);
    expect(await partitionItems(activityKey(activity.id).pk)).toEqual([]);
    expect((await getTimeline("contact", ada.id, {})).data).toEqual([]);
    expect(await rawItem(tombstoneKey(activityKey(activity.id)))).toMatchObject({
      entityType: "activity",
      id: activity.id,
      deletedBy: "alice",
      retained: {
        type: "call",
        occurredAt: activity.occurredAt,
        links: [contactRef(ada.id), companyRef(engines.id)],
      },
    });
    expect(await rejectionOf(getActivity(activity.id))).toMatchObject({ kind: "not_found" });
  });
});

describe("a record's timeline", () => {
  let contactId: string;
  const logged: Record<string, string> = {};

  beforeAll(async () => {
    contactId = (await newContact("Timeline")).id;
    const link = [contactRef(contactId)];
    const plan: [string, CreateActivity][] = [
      ["call1", call(link, "2026-11-01T09:00:00Z")],
      ["note1", note(link, "2026-11-02T09:00:00Z")],
      ["call2", call(link, "2026-11-03T09:00:00Z")],
      ["note2", note(link, "2026-11-04T09:00:00Z")],
      ["call3", call(link, "2026-11-05T09:00:00Z")],
      // The same time as the range's upper bound below: left out by an exclusive `to`.
      ["call4", call(link, "2026-11-06T00:00:00Z")],
    ];
    for (const [name, input] of plan) logged[name] = (await createActivity(input, alice)).id;
  });

  const names = (page: { data: readonly Activity[] }) =>
    ids(page).map((id) => Object.keys(logged).find((name) => logged[name] === id));

  it("lists newest first, each filter in one Query", async () => {
    const cases: [Parameters<typeof getTimeline>[2], (string | undefined)[]][] = [
      [{}, ["call4", "call3", "note2", "call2", "note1", "call1"]],
      [{ type: "call" }, ["call4", "call3", "call2", "call1"]],
      [{ from: "2026-11-03T09:00:00Z" }, ["call4", "call3", "note2", "call2"]],
      [{ to: "2026-11-03T09:00:00Z" }, ["note1", "call1"]],
      [
        { from: "2026-11-02T00:00:00Z", to: "2026-11-06T00:00:00Z" },
        ["call3", "note2", "call2", "note1"],
      ],
      [
        { type: "note", from: "2026-11-02T00:00:00Z", to: "2026-11-06T00:00:00Z" },
        ["note2", "note1"],
      ],
    ];
    for (const [query, expected] of cases) {
      const { result, tally } = await meter.measure(() => getTimeline("contact", contactId, query));
      expect(names(result), JSON.stringify(query)).toEqual(expected);
      expect(tally.requests, JSON.stringify(query)).toEqual({ Query: 1 });
    }
  });

  it("pages by cursor, and refuses a cursor of another filter", async () => {
    const seen: (string | undefined)[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await getTimeline("contact", contactId, { type: "call", limit: 3, cursor });
      seen.push(...names(page));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual(["call4", "call3", "call2", "call1"]);
    expect(pages).toBe(2);

    const first = await getTimeline("contact", contactId, {
      limit: 2,
      from: "2026-11-02T00:00:00Z",
    });
    expect(first.nextCursor).not.toBeNull();
    for (const other of [{}, { from: "2026-11-01T00:00:00Z" }, { type: "note" as const }]) {
      expect(
        await rejectionOf(
          getTimeline("contact", contactId, { ...other, limit: 2, cursor: first.nextCursor ?? "" }),
        ),
      ).toMatchObject({ code: "request.invalid_cursor" });
    }
  });

  it("is a 404 for a record that does not exist, and an empty page for one without activities", async () => {
    expect(await rejectionOf(getTimeline("contact", newId("con"), {}))).toMatchObject({
      kind: "not_found",
      code: "contact.not_found",
    });
    expect(await rejectionOf(getTimeline("company", newId("co"), { type: "email" }))).toMatchObject(
      {
        code: "company.not_found",
      },
    );
    const quiet = await newCompany("Quiet");
    expect(await getTimeline("company", quiet.id, {})).toEqual({ data: [], nextCursor: null });
  });

  it("refuses a date range that ends before it starts", async () => {
    expect(
      await rejectionOf(
        getTimeline("contact", contactId, {
          from: "2026-11-05T00:00:00Z",
          to: "2026-11-01T00:00:00Z",
        }),
      ),
    ).toMatchObject({ kind: "invalid", fieldErrors: [{ path: "query.to" }] });
  });
});
