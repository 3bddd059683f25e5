import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "#lib/auth/principal";
import { createCompany } from "#lib/companies/service";
import { createContact, deleteContact } from "#lib/contacts/service";
import { documentClient, tableName } from "#lib/db/client";
import { REMINDERS_PARTITION } from "#lib/tasks/keys";
import type { CreateTask, Task } from "#lib/tasks/schema";
import {
  completeTask,
  createTask,
  deleteTask,
  getTask,
  listRelatedTasks,
  listTasks,
  updateTask,
} from "#lib/tasks/service";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/**
 * Tasks against DynamoDB Local: links checked in the transaction, the views on their indexes,
 * status transitions, and the reminder's index keys moving with the task.
 */
let counter = 0;
/** A user of one test only, so that the assignee views of tests never mix. */
const someone = (): Principal => ({ userId: `user-${++counter}-${Date.now()}`, roles: ["sales"] });

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

const input = (over: Partial<CreateTask> = {}): CreateTask => ({
  title: "Follow up",
  priority: "normal",
  links: [],
  ...over,
});

const itemsOf = async (pk: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/** The task ids on the reminders index, in reminder order. */
const remindersIndex = async () =>
  (
    (
      await documentClient.send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: "gsi3",
          KeyConditionExpression: "gsi3pk = :pk",
          ExpressionAttributeValues: { ":pk": REMINDERS_PARTITION },
        }),
      )
    ).Items ?? []
  ).map((item) => ({ id: String(item.id), sk: String(item.gsi3sk) }));

const reminderKeyOf = async (id: string) =>
  (await remindersIndex()).find((entry) => entry.id === id)?.sk;

const ids = (page: { data: readonly Task[] }) => page.data.map((t) => t.id);

let contactId: string;
let companyId: string;

beforeAll(async () => {
  await createTestTable("tasks");
  const owner = someone();
  contactId = (
    await createContact(
      {
        firstName: "Ada",
        emails: [],
        phones: [],
        lifecycleStage: "lead",
        tags: [],
        customFields: {},
      },
      owner,
    )
  ).id;
  companyId = (
    await createCompany({ name: "Analytical Engines", tags: [], customFields: {} }, owner)
  ).id;
});

describe("creating a task", () => {
  it("links it to existing records, with a facet per link in the same write", async () => {
    const alice = someone();
    const task = await createTask(
      input({
        links: [
          { entity: "contact", id: contactId },
          { entity: "company", id: companyId },
        ],
      }),
      alice,
    );
    expect(task).toMatchObject({ status: "open", assigneeId: alice.userId, version: 1 });
    const items = await itemsOf(`task#${task.id}`);
    expect(items.map((i) => i.sk).sort()).toEqual([
      `link#company#${companyId}`,
      `link#contact#${contactId}`,
      "task",
    ]);
    expect(await getTask(task.id)).toEqual(task);
  });

  it("refuses links to records that do not exist with a 422 naming them, and writes nothing", async () => {
    const alice = someone();
    const missing = "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P";
    const error = await rejectionOf(
      createTask(
        input({
          links: [
            { entity: "contact", id: contactId },
            { entity: "contact", id: missing },
          ],
        }),
        alice,
      ),
    );
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "task.linked_records_missing",
      extensions: { missing: [`contact:${missing}`] },
    });
    expect(ids(await listTasks({ assigneeId: alice.userId }, alice))).toEqual([]);
  });

  it("refuses a reminder in the past, and writes nothing", async () => {
    const alice = someone();
    const error = await rejectionOf(createTask(input({ reminderAt: minutesFromNow(-1) }), alice));
    expect(error).toMatchObject({ kind: "invalid", code: "task.reminder_in_past" });
    expect(ids(await listTasks({ assigneeId: "me" }, alice))).toEqual([]);
  });
});

describe("the views", () => {
  it("lists an assignee's open tasks by due time, undated last, paged, and `me` is the caller", async () => {
    const bob = someone();
    const late = await createTask(input({ dueAt: minutesFromNow(300) }), bob);
    const undated = await createTask(input({ title: "Someday" }), bob);
    const soon = await createTask(input({ dueAt: minutesFromNow(10) }), bob);
    const past = await createTask(input({ dueAt: minutesFromNow(-60) }), bob);
    await createTask(input({ dueAt: minutesFromNow(5) }), someone());

    const all = await listTasks({ assigneeId: bob.userId }, someone());
    expect(ids(all)).toEqual([past.id, soon.id, late.id, undated.id]);
    expect(ids(await listTasks({ assigneeId: "me" }, bob))).toEqual(ids(all));

    const first = await listTasks({ assigneeId: "me", limit: 3 }, bob);
    expect(ids(first)).toEqual([past.id, soon.id, late.id]);
    const second = await listTasks(
      { assigneeId: "me", limit: 3, cursor: first.nextCursor ?? undefined },
      bob,
    );
    expect(ids(second)).toEqual([undated.id]);
    expect(second.nextCursor).toBeNull();
  });

  it("lists overdue tasks: open, due before now, of everyone or of one assignee", async () => {
    const carol = someone();
    const overdue = await createTask(input({ dueAt: minutesFromNow(-30) }), carol);
    const older = await createTask(input({ dueAt: minutesFromNow(-90) }), carol);
    const future = await createTask(input({ dueAt: minutesFromNow(30) }), carol);
    const undated = await createTask(input(), carol);
    const doneLate = await createTask(input({ dueAt: minutesFromNow(-45) }), carol);
    await completeTask(doneLate.id, undefined, carol);

    expect(ids(await listTasks({ assigneeId: "me", overdue: "true" }, carol))).toEqual([
      older.id,
      overdue.id,
    ]);
    const everyone = ids(await listTasks({ overdue: "true", limit: 100 }, carol));
    expect(everyone).toEqual(expect.arrayContaining([older.id, overdue.id]));
    for (const id of [future.id, undated.id, doneLate.id]) expect(everyone).not.toContain(id);
    expect(everyone.indexOf(older.id)).toBeLessThan(everyone.indexOf(overdue.id));
  });

  it("lists tasks of another status, and refuses overdue with it", async () => {
    const dave = someone();
    const task = await createTask(input({ dueAt: minutesFromNow(-5) }), dave);
    await completeTask(task.id, undefined, dave);
    expect(ids(await listTasks({ assigneeId: "me", status: "done" }, dave))).toEqual([task.id]);
    expect(ids(await listTasks({ assigneeId: "me" }, dave))).toEqual([]);
    expect(ids(await listTasks({ status: "done", limit: 100 }, dave))).toContain(task.id);
    const error = await rejectionOf(
      listTasks({ assigneeId: "me", status: "done", overdue: "true" }, dave),
    );
    expect(error).toMatchObject({ kind: "invalid", code: "task.overdue_needs_open" });
  });

  it("lists a record's tasks by status, following status changes and link changes", async () => {
    const erin = someone();
    const contact = (
      await createContact(
        {
          lastName: "Byron",
          emails: [],
          phones: [],
          lifecycleStage: "lead",
          tags: [],
          customFields: {},
        },
        erin,
      )
    ).id;
    const ref = { entity: "contact" as const, id: contact };
    const first = await createTask(input({ dueAt: minutesFromNow(60), links: [ref] }), erin);
    const second = await createTask(input({ dueAt: minutesFromNow(-60), links: [ref] }), erin);
    expect(ids(await listRelatedTasks("contact", contact, {}))).toEqual([second.id, first.id]);
    expect(ids(await listRelatedTasks("contact", contact, { overdue: "true" }))).toEqual([
      second.id,
    ]);

    await completeTask(second.id, undefined, erin);
    expect(ids(await listRelatedTasks("contact", contact, {}))).toEqual([first.id]);
    expect(ids(await listRelatedTasks("contact", contact, { status: "done" }))).toEqual([
      second.id,
    ]);

    await updateTask(first.id, { links: [{ entity: "company", id: companyId }] }, undefined, erin);
    expect(ids(await listRelatedTasks("contact", contact, {}))).toEqual([]);
    expect(ids(await listRelatedTasks("company", companyId, {}))).toContain(first.id);
    expect(await itemsOf(`task#${first.id}`)).toHaveLength(2);
  });

  it("answers 404 for a record that does not exist, and an empty page for one without tasks", async () => {
    const error = await rejectionOf(
      listRelatedTasks("contact", "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P", {}),
    );
    expect(error).toMatchObject({ kind: "not_found", code: "contact.not_found" });
    const lonely = await createCompany(
      { name: "Lonely Ltd", tags: [], customFields: {} },
      someone(),
    );
    expect(await listRelatedTasks("company", lonely.id, {})).toEqual({
      data: [],
      nextCursor: null,
    });
  });
});

describe("changing a task", () => {
  it("refuses to add a link to a missing record, and changes nothing", async () => {
    const frank = someone();
    const task = await createTask(input(), frank);
    const error = await rejectionOf(
      updateTask(
        task.id,
        { title: "Changed", links: [{ entity: "company", id: "co_01JD7Q8A1B2C3D4E5F6G7H8J9K" }] },
        undefined,
        frank,
      ),
    );
    expect(error).toMatchObject({ kind: "unprocessable", code: "task.linked_records_missing" });
    expect(await getTask(task.id)).toEqual(task);
  });

  it("stays editable after a linked record was deleted", async () => {
    const grace = someone();
    const doomed = await createContact(
      {
        firstName: "Doomed",
        emails: [],
        phones: [],
        lifecycleStage: "lead",
        tags: [],
        customFields: {},
      },
      grace,
    );
    const task = await createTask(input({ links: [{ entity: "contact", id: doomed.id }] }), grace);
    await deleteContact(doomed.id, undefined, grace);
    const updated = await updateTask(task.id, { priority: "urgent" }, undefined, grace);
    expect(updated).toMatchObject({ priority: "urgent", version: 2 });
  });

  it("completes once: records who and when, and completing again returns it unchanged", async () => {
    const heidi = someone();
    const task = await createTask(input(), heidi);
    const done = await completeTask(task.id, 1, heidi);
    expect(done).toMatchObject({ status: "done", completedBy: heidi.userId, version: 2 });
    expect(Date.parse(String(done.completedAt))).toBeGreaterThan(0);
    const again = await completeTask(task.id, undefined, someone());
    expect(again).toEqual(done);
    expect(await getTask(task.id)).toEqual(done);
  });

  it("refuses an invalid transition with a 409, and changes nothing", async () => {
    const ivan = someone();
    const task = await createTask(input(), ivan);
    const cancelled = await updateTask(task.id, { status: "cancelled" }, undefined, ivan);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelledBy: ivan.userId });
    for (const attempt of [
      () => completeTask(task.id, undefined, ivan),
      () => updateTask(task.id, { status: "done", title: "Sneaky" }, undefined, ivan),
    ]) {
      expect(await rejectionOf(attempt())).toMatchObject({
        kind: "conflict",
        code: "task.invalid_transition",
        extensions: { from: "cancelled", allowed: ["open"] },
      });
    }
    expect(await getTask(task.id)).toEqual(cancelled);
    const reopened = await updateTask(task.id, { status: "open" }, 2, ivan);
    expect(reopened.status).toBe("open");
    expect(reopened).not.toHaveProperty("cancelledAt");
  });

  it("honours If-Match with a 412 on a stale version", async () => {
    const judy = someone();
    const task = await createTask(input(), judy);
    await updateTask(task.id, { title: "Changed" }, 1, judy);
    // One at a time: a promise made before the previous one is awaited could reject unobserved.
    for (const attempt of [
      () => updateTask(task.id, { title: "Stale" }, 1, judy),
      () => completeTask(task.id, 1, judy),
      () => deleteTask(task.id, 1, judy),
    ]) {
      expect(await rejectionOf(attempt())).toMatchObject({ kind: "precondition_failed" });
    }
    expect((await getTask(task.id)).title).toBe("Changed");
  });

  it("deletes the task with its link facets", async () => {
    const kim = someone();
    const task = await createTask(input({ links: [{ entity: "company", id: companyId }] }), kim);
    await deleteTask(task.id, undefined, kim);
    expect(await itemsOf(`task#${task.id}`)).toEqual([]);
    expect(await rejectionOf(getTask(task.id))).toMatchObject({ code: "task.not_found" });
  });
});

describe("the reminder's index keys move with the task", () => {
  it("moves with the reminder, leaves on completion and cancellation, and returns on reopening", async () => {
    const leo = someone();
    const task = await createTask(
      input({ dueAt: minutesFromNow(120), reminderAt: minutesFromNow(60) }),
      leo,
    );
    expect(await reminderKeyOf(task.id)).toBe(`${task.reminderAt}#${task.id}`);

    const moved = await updateTask(task.id, { reminderAt: minutesFromNow(90) }, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBe(`${moved.reminderAt}#${task.id}`);

    await completeTask(task.id, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBeUndefined();

    await updateTask(task.id, { status: "open" }, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBe(`${moved.reminderAt}#${task.id}`);

    await updateTask(task.id, { status: "cancelled" }, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBeUndefined();

    await updateTask(task.id, { status: "open", reminderAt: null }, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBeUndefined();

    await updateTask(task.id, { reminderAt: minutesFromNow(30) }, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBeDefined();
    await deleteTask(task.id, undefined, leo);
    expect(await reminderKeyOf(task.id)).toBeUndefined();
  });

  it("refuses moving the due time before a pending reminder, and changes nothing", async () => {
    const mia = someone();
    const task = await createTask(
      input({ dueAt: minutesFromNow(120), reminderAt: minutesFromNow(60) }),
      mia,
    );
    const error = await rejectionOf(
      updateTask(task.id, { dueAt: minutesFromNow(30) }, undefined, mia),
    );
    expect(error).toMatchObject({ kind: "invalid", code: "task.reminder_after_due" });
    expect(await getTask(task.id)).toEqual(task);
    expect(await reminderKeyOf(task.id)).toBe(`${task.reminderAt}#${task.id}`);
  });
});
