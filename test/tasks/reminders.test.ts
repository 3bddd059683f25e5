import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { streamRecord } from "#events/samples";
import type { Principal } from "#lib/auth/principal";
import { documentClient, tableName } from "#lib/db/client";
import { domainEventOf } from "#lib/events/change-events";
import { TaskEvents } from "#lib/events/detail-types";
import { taskKey } from "#lib/tasks/keys";
import { fireDueReminder, sweepDueReminders } from "#lib/tasks/reminders";
import type { CreateTask } from "#lib/tasks/schema";
import { completeTask, createTask, deleteTask, getTask, updateTask } from "#lib/tasks/service";
import { createTestTable } from "#test/support/dynamodb";

/**
 * The reminder sweep against DynamoDB Local: due reminders fire once, with a write conditioned
 * on the task's version, however many sweeps race; closed, moved and deleted tasks never fire.
 */
const alice: Principal = { userId: "alice", roles: ["sales"] };

const inMinutes = (minutes: number, from = Date.now()) =>
  new Date(from + minutes * 60_000).toISOString();

const withReminder = (minutes: number, over: Partial<CreateTask> = {}): Promise<{ id: string }> =>
  createTask(
    { title: "Call back", priority: "normal", links: [], reminderAt: inMinutes(minutes), ...over },
    alice,
  );

const rawItem = async (id: string) =>
  (await documentClient.send(new GetCommand({ TableName: tableName(), Key: taskKey(id) }))).Item;

const sweepAt = (at: number) =>
  sweepDueReminders({ deadline: Number.POSITIVE_INFINITY, now: () => at, pageSize: 2 });

beforeAll(async () => {
  await createTestTable("task-reminders");
});

describe("the reminder sweep", () => {
  it("fires the due reminders only, stamping reminderFiredAt as a `reminder_due` change", async () => {
    const due = await withReminder(1);
    const notYet = await withReminder(30);
    const before = await rawItem(due.id);
    const at = Date.now() + 2 * 60_000;

    const summary = await sweepAt(at);
    expect(summary.fired).toBeGreaterThanOrEqual(1);
    expect(summary.failed).toBe(0);

    const fired = await getTask(due.id);
    expect(fired).toMatchObject({
      version: 2,
      reminderFiredAt: new Date(at).toISOString(),
      updatedBy: "system",
    });
    const after = await rawItem(due.id);
    expect(after).toMatchObject({ changeVerb: "reminder_due" });
    expect(after).not.toHaveProperty("gsi3pk");
    // What the stream publisher makes of this write.
    const event = domainEventOf(streamRecord("MODIFY", { old: before ?? {}, new: after ?? {} }));
    expect(event?.detailType).toBe(TaskEvents.ReminderDue);
    expect(event?.envelope).toMatchObject({
      actor: "system",
      version: 2,
      changes: { reminderFiredAt: { to: new Date(at).toISOString() } },
    });

    expect((await getTask(notYet.id)).version).toBe(1);
    expect(await rawItem(notYet.id)).toHaveProperty("gsi3pk");
  });

  it("fires a reminder once however many sweeps race for it", async () => {
    const tasks = await Promise.all([1, 2, 3, 4, 5].map((m) => withReminder(m / 10)));
    const at = Date.now() + 60_000;
    const sweeps = await Promise.all([sweepAt(at), sweepAt(at), sweepAt(at), sweepAt(at)]);
    expect(sweeps.reduce((sum, s) => sum + s.failed, 0)).toBe(0);
    for (const { id } of tasks) {
      const task = await getTask(id);
      expect(task.version, id).toBe(2);
      expect(task.reminderFiredAt, id).toBe(new Date(at).toISOString());
    }
    // A later sweep finds nothing left to fire for them.
    await sweepAt(at + 60_000);
    for (const { id } of tasks) expect((await getTask(id)).version).toBe(2);
  });

  it("yields one version change when two fires of the same reminder race", async () => {
    const { id } = await withReminder(1);
    const at = new Date(Date.now() + 2 * 60_000);
    const outcomes = await Promise.all([fireDueReminder(id, at), fireDueReminder(id, at)]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await getTask(id)).version).toBe(2);
    expect(await fireDueReminder(id, new Date(at.getTime() + 60_000))).toBe(false);
    expect((await getTask(id)).version).toBe(2);
  });

  it("never fires the reminder of a completed, cancelled or deleted task", async () => {
    const completed = await withReminder(1);
    const cancelled = await withReminder(1);
    const deleted = await withReminder(1);
    await completeTask(completed.id, undefined, alice);
    await updateTask(cancelled.id, { status: "cancelled" }, undefined, alice);
    await deleteTask(deleted.id, undefined, alice);
    const at = new Date(Date.now() + 2 * 60_000);
    await sweepAt(at.getTime());
    // Even a stale index copy that still listed them would not fire them.
    for (const id of [completed.id, cancelled.id, deleted.id]) {
      expect(await fireDueReminder(id, at), id).toBe(false);
    }
    expect((await getTask(completed.id)).version).toBe(2);
    expect((await getTask(cancelled.id)).version).toBe(2);
    expect(await getTask(completed.id)).not.toHaveProperty("reminderFiredAt");
  });

  it("fires a moved reminder at its new time, and a re-armed one again", async () => {
    const { id } = await withReminder(1);
    await updateTask(id, { reminderAt: inMinutes(10) }, undefined, alice);
    await sweepAt(Date.now() + 2 * 60_000);
    expect(await getTask(id)).not.toHaveProperty("reminderFiredAt");

    const firstFire = Date.now() + 11 * 60_000;
    await sweepAt(firstFire);
    expect(await getTask(id)).toMatchObject({ version: 3 });

    // Moving a fired reminder re-arms it: it fires again, once, at the new time.
    await updateTask(id, { reminderAt: inMinutes(20) }, undefined, alice);
    await sweepAt(firstFire);
    expect(await getTask(id)).toMatchObject({ version: 4 });
    await sweepAt(Date.now() + 21 * 60_000);
    await sweepAt(Date.now() + 22 * 60_000);
    expect(await getTask(id)).toMatchObject({ version: 5 });
  });
});
