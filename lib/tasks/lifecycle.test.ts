import { describe, expect, it } from "vitest";
import { DomainError } from "#lib/errors/domain-error";
import { REMINDERS_PARTITION, reminderPending, taskModel } from "#lib/tasks/keys";
import {
  fireReminder,
  moveTo,
  newTask,
  patchTask,
  reminderDue,
  TRANSITIONS,
} from "#lib/tasks/lifecycle";
import {
  createTaskBody,
  listTasksQuery,
  TASK_STATUSES,
  type Task,
  updateTaskBody,
} from "#lib/tasks/schema";

const now = new Date("2026-11-23T10:00:00.000Z");
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
const ID = "task_01JD7QC3D4E5F6G7H8J9K0M1N2";

const create = (input: Record<string, unknown>, actor = "alice") =>
  newTask(ID, createTaskBody.parse({ title: "Call Ada", ...input }), actor, now);

const errorOf = (act: () => unknown): DomainError => {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
};

describe("a new task", () => {
  it("is open, normal priority, assigned to its creator, with times stored to the millisecond", () => {
    const task = create({ dueAt: "2026-11-24T09:00:00Z", reminderAt: "2026-11-24T08:30:00Z" });
    expect(task).toMatchObject({
      id: ID,
      status: "open",
      priority: "normal",
      assigneeId: "alice",
      links: [],
      dueAt: "2026-11-24T09:00:00.000Z",
      reminderAt: "2026-11-24T08:30:00.000Z",
      version: 1,
      createdBy: "alice",
    });
  });

  it("keeps a named assignee", () => {
    expect(create({ assigneeId: "bob" }).assigneeId).toBe("bob");
  });

  it("refuses a reminder in the past", () => {
    const error = errorOf(() => create({ reminderAt: "2026-11-23T09:59:59.000Z" }));
    expect(error).toMatchObject({ kind: "invalid", code: "task.reminder_in_past" });
    expect(error.fieldErrors).toEqual([
      { path: "body.reminderAt", message: "The reminder time is in the past" },
    ]);
  });

  it("accepts a reminder at the due time, and refuses one after it", () => {
    expect(create({ dueAt: later(60), reminderAt: later(60) }).reminderAt).toBe(later(60));
    expect(errorOf(() => create({ dueAt: later(60), reminderAt: later(61) }))).toMatchObject({
      kind: "invalid",
      code: "task.reminder_after_due",
    });
  });

  it("accepts a reminder without a due time, and a due time in the past", () => {
    expect(create({ reminderAt: later(5) }).reminderAt).toBe(later(5));
    expect(create({ dueAt: "2026-11-01T00:00:00Z" }).dueAt).toBe("2026-11-01T00:00:00.000Z");
  });
});

describe("the input schemas", () => {
  it("refuse an unknown priority, an unknown field and a status on creation", () => {
    expect(createTaskBody.safeParse({ title: "x", priority: "critical" }).success).toBe(false);
    expect(createTaskBody.safeParse({ title: "x", color: "red" }).success).toBe(false);
    expect(createTaskBody.safeParse({ title: "x", status: "done" }).success).toBe(false);
    expect(createTaskBody.safeParse({ title: "  " }).success).toBe(false);
  });

  it("refuse duplicate links and links whose id belongs to another entity", () => {
    const ref = { entity: "contact", id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" };
    expect(createTaskBody.safeParse({ title: "x", links: [ref, ref] }).success).toBe(false);
    expect(
      createTaskBody.safeParse({
        title: "x",
        links: [{ entity: "company", id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" }],
      }).success,
    ).toBe(false);
  });

  it("refuse times with an offset or no time, and an empty patch", () => {
    expect(createTaskBody.safeParse({ title: "x", dueAt: "2026-11-24" }).success).toBe(false);
    expect(
      createTaskBody.safeParse({ title: "x", dueAt: "2026-11-24T09:00:00+02:00" }).success,
    ).toBe(false);
    expect(updateTaskBody.safeParse({}).success).toBe(false);
  });

  it("takes overdue=true only", () => {
    expect(listTasksQuery.safeParse({ overdue: "true" }).success).toBe(true);
    expect(listTasksQuery.safeParse({ overdue: "false" }).success).toBe(false);
    expect(listTasksQuery.safeParse({ status: "archived" }).success).toBe(false);
  });
});

describe("status transitions", () => {
  const open = create({ reminderAt: later(30) });

  it("completes an open task, recording who and when, as a `completed` change", () => {
    const { task, changeVerb } = moveTo(open, "done", "bob", now);
    expect(task).toMatchObject({
      status: "done",
      completedBy: "bob",
      completedAt: now.toISOString(),
    });
    expect(changeVerb).toBe("completed");
  });

  it("cancels an open task as a plain update", () => {
    const { task, changeVerb } = moveTo(open, "cancelled", "bob", now);
    expect(task).toMatchObject({ status: "cancelled", cancelledBy: "bob" });
    expect(changeVerb).toBeUndefined();
  });

  it("reopens a done or cancelled task and forgets who closed it", () => {
    for (const closed of ["done", "cancelled"] as const) {
      const { task } = moveTo(moveTo(open, closed, "bob", now).task, "open", "carol", now);
      expect(task.status).toBe("open");
      expect(task).not.toHaveProperty("completedAt");
      expect(task).not.toHaveProperty("completedBy");
      expect(task).not.toHaveProperty("cancelledAt");
      expect(task).not.toHaveProperty("cancelledBy");
    }
  });

  it("refuses done <-> cancelled with a 409 that names the allowed moves", () => {
    const done = moveTo(open, "done", "bob", now).task;
    const cancelled = moveTo(open, "cancelled", "bob", now).task;
    expect(errorOf(() => moveTo(done, "cancelled", "bob", now))).toMatchObject({
      kind: "conflict",
      code: "task.invalid_transition",
      extensions: { from: "done", to: "cancelled", allowed: ["open"] },
    });
    const completeCancelled = errorOf(() => moveTo(cancelled, "done", "bob", now));
    expect(completeCancelled).toMatchObject({ code: "task.invalid_transition" });
    expect(completeCancelled.message).toMatch(/reopen it/);
  });

  it("allows exactly the moves of the table, and staying put", () => {
    for (const from of TASK_STATUSES) {
      const start: Task = { ...open, status: from };
      for (const to of TASK_STATUSES) {
        const allowed = from === to || TRANSITIONS[from].includes(to);
        if (allowed) expect(moveTo(start, to, "bob", now).task.status).toBe(to);
        else expect(() => moveTo(start, to, "bob", now)).toThrow(DomainError);
      }
    }
  });
});

describe("a PATCH", () => {
  const task = create({ dueAt: later(120), reminderAt: later(60), notes: "Bring slides" });

  it("applies fields, clears with null, and stamps a new version", () => {
    const { task: after } = patchTask(task, { title: "Call Ada back", notes: null }, "bob", now);
    expect(after).toMatchObject({ title: "Call Ada back", version: 2, updatedBy: "bob" });
    expect(after).not.toHaveProperty("notes");
  });

  it("re-arms a fired reminder when it moves, and keeps it fired when sent again unchanged", () => {
    const fired = fireReminder(task, "system", new Date(later(60)));
    const resent = patchTask(
      fired,
      { reminderAt: later(60), title: "x" },
      "bob",
      new Date(later(90)),
    );
    expect(resent.task.reminderFiredAt).toBe(fired.reminderFiredAt);
    const moved = patchTask(fired, { reminderAt: later(100) }, "bob", new Date(later(90)));
    expect(moved.task.reminderAt).toBe(later(100));
    expect(moved.task).not.toHaveProperty("reminderFiredAt");
    expect(reminderPending(moved.task)).toBe(true);
  });

  it("removes the reminder with null", () => {
    const { task: after } = patchTask(task, { reminderAt: null }, "bob", now);
    expect(after).not.toHaveProperty("reminderAt");
    expect(taskModel.index(after)).not.toHaveProperty("gsi3pk");
  });

  it("refuses moving the reminder into the past or past the due time", () => {
    expect(errorOf(() => patchTask(task, { reminderAt: later(-1) }, "bob", now))).toMatchObject({
      code: "task.reminder_in_past",
    });
    expect(errorOf(() => patchTask(task, { dueAt: later(30) }, "bob", now))).toMatchObject({
      code: "task.reminder_after_due",
    });
    // Both in one change is fine.
    const both = patchTask(task, { dueAt: later(30), reminderAt: later(20) }, "bob", now);
    expect(both.task).toMatchObject({ dueAt: later(30), reminderAt: later(20) });
  });

  it("does not check an old schedule on an unrelated edit", () => {
    // The reminder time passed (the sweep has not fired it yet): a title change still works.
    const { task: after } = patchTask(task, { title: "Renamed" }, "bob", new Date(later(70)));
    expect(after.reminderAt).toBe(task.reminderAt);
  });

  it("completes through status, as a `completed` change", () => {
    const { task: after, changeVerb } = patchTask(task, { status: "done" }, "bob", now);
    expect(after).toMatchObject({ status: "done", completedBy: "bob", version: 2 });
    expect(changeVerb).toBe("completed");
  });
});

describe("the index keys follow the task", () => {
  const task = create({ dueAt: later(120), reminderAt: later(60), assigneeId: "bob" });

  it("puts an open task with a pending reminder on the reminders index, by reminder time", () => {
    expect(taskModel.index(task)).toEqual({
      gsi1pk: "task#assignee#bob#open",
      gsi1sk: `${later(120)}#${ID}`,
      gsi2pk: "task#status#open",
      gsi2sk: `${later(120)}#${ID}`,
      gsi3pk: REMINDERS_PARTITION,
      gsi3sk: `${later(60)}#${ID}`,
    });
  });

  it("takes it off once fired, completed or cancelled", () => {
    const fired = fireReminder(task, "system", new Date(later(60)));
    expect(fired).toMatchObject({ version: 2, updatedBy: "system", reminderFiredAt: later(60) });
    expect(taskModel.index(fired)).not.toHaveProperty("gsi3pk");
    for (const to of ["done", "cancelled"] as const) {
      const closed = moveTo(task, to, "bob", now).task;
      expect(taskModel.index(closed)).not.toHaveProperty("gsi3pk");
      expect(taskModel.index(closed).gsi1pk).toBe(`task#assignee#bob#${to}`);
    }
  });

  it("sorts a task without a due time after every dated one, so it is never overdue", () => {
    const undated = create({});
    expect(taskModel.index(undated).gsi2sk).toBe(`~#${ID}`);
    expect(`~#${ID}` > "9999-12-31T23:59:59.999Z").toBe(true);
  });

  it("moves the link facets to the list of the new status", () => {
    const linked = create({ links: [{ entity: "contact", id: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" }] });
    const done = moveTo(linked, "done", "bob", now).task;
    expect(taskModel.facets(done)).toEqual([
      {
        name: "link",
        key: { pk: `task#${ID}`, sk: "link#contact#con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" },
        index: {
          gsi1pk: "contact#con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P#tasks#done",
          gsi1sk: `~#${ID}`,
        },
      },
    ]);
  });
});

describe("when a reminder is due", () => {
  const task = create({ reminderAt: later(10) });

  it("is due from its time on, while open and not fired", () => {
    expect(reminderDue(task, new Date(later(9)))).toBe(false);
    expect(reminderDue(task, new Date(later(10)))).toBe(true);
    expect(
      reminderDue(fireReminder(task, "system", new Date(later(10))), new Date(later(11))),
    ).toBe(false);
    expect(reminderDue(moveTo(task, "done", "bob", now).task, new Date(later(11)))).toBe(false);
  });

  it("is due again after a reopen, when it never fired", () => {
    const reopened = moveTo(moveTo(task, "done", "bob", now).task, "open", "bob", now).task;
    expect(reminderDue(reopened, new Date(later(11)))).toBe(true);
  });
});
