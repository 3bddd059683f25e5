import { DomainError, type FieldError, invalidInput } from "#lib/errors/domain-error";
import { splitDetailType, TaskEvents } from "#lib/events/detail-types";
import { canonicalInstant } from "#lib/records/common-schema";
import { applyPatch, stamp } from "#lib/records/mutate";
import { reminderPending } from "#lib/tasks/keys";
import type { CreateTask, Task, TaskStatus, UpdateTask } from "#lib/tasks/schema";

/**
 * The rules of a task's life, as pure functions of (task, change, actor, now): which status
 * moves are allowed, what completing or cancelling records, when a reminder is accepted, and what
 * firing it changes. The service reads and writes; everything decided is decided here.
 */

/** Which status a task may move to from each status; staying put is always allowed. */
export const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  open: ["done", "cancelled"],
  done: ["open"],
  cancelled: ["open"],
};

/** The verbs of task changes other than `created`, `updated` and `deleted`. */
export const TaskVerbs = {
  Completed: splitDetailType(TaskEvents.Completed).verb,
  ReminderDue: splitDetailType(TaskEvents.ReminderDue).verb,
} as const;

export const invalidTransition = (task: Task, to: TaskStatus) =>
  new DomainError(
    "conflict",
    "task.invalid_transition",
    to === "done" && task.status === "cancelled"
      ? `The task ${task.id} is cancelled; reopen it (status open) before completing it.`
      : `A ${task.status} task cannot become ${to}; from ${task.status} it can only become ${TRANSITIONS[task.status].join(" or ")}.`,
    { id: task.id, from: task.status, to, allowed: TRANSITIONS[task.status] },
  );

const reminderInPast = (reminderAt: string, now: Date): FieldError | undefined =>
  Date.parse(reminderAt) < now.getTime()
    ? { path: "body.reminderAt", message: "The reminder time is in the past" }
    : undefined;

/**
 * A pending reminder must not come after the due time: a reminder is a nudge before the task is
 * due, and one after it would fire for a task that the overdue view already shows. Checked only
 * when a change touches either time, so that unrelated edits never fail on an old schedule.
 */
const checkSchedule = (task: Task, reminderMoved: boolean, now: Date) => {
  if (reminderMoved && task.reminderAt !== undefined) {
    const error = reminderInPast(task.reminderAt, now);
    if (error)
      throw invalidInput("task.reminder_in_past", "A reminder cannot be in the past.", [error]);
  }
  if (reminderPending(task) && task.dueAt !== undefined && task.reminderAt > task.dueAt) {
    throw invalidInput(
      "task.reminder_after_due",
      "The reminder must be at or before the due time; move both in one change.",
      [{ path: "body.reminderAt", message: "The reminder time is after the due time" }],
    );
  }
};

/** A new, open task, assigned to the caller unless the input names someone. */
export const newTask = (id: string, input: CreateTask, actor: string, now: Date): Task => {
  const at = now.toISOString();
  const { dueAt, reminderAt, ...fields } = input;
  const task: Task = {
    ...fields,
    id,
    ...(dueAt === undefined ? {} : { dueAt: canonicalInstant(dueAt) }),
    ...(reminderAt === undefined ? {} : { reminderAt: canonicalInstant(reminderAt) }),
    assigneeId: input.assigneeId ?? actor,
    status: "open",
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: actor,
    updatedBy: actor,
  };
  checkSchedule(task, true, now);
  return task;
};

const withoutFields = (task: Task, fields: readonly (keyof Task)[]): Task => {
  const copy = { ...task };
  for (const field of fields) delete copy[field];
  return copy;
};

/**
 * Moves the task to `to`. Completing records who and when; cancelling likewise; reopening
 * forgets both. A pending reminder stays with the task: it is off the reminders index while the
 * task is closed (the index keys follow `reminderPending`), and back on it when it reopens.
 */
export const moveTo = (
  task: Task,
  to: TaskStatus,
  actor: string,
  now: Date,
): { readonly task: Task; readonly changeVerb?: string } => {
  if (to === task.status) return { task };
  if (!TRANSITIONS[task.status].includes(to)) throw invalidTransition(task, to);
  const at = now.toISOString();
  const reopened = withoutFields(task, [
    "completedAt",
    "completedBy",
    "cancelledAt",
    "cancelledBy",
  ]);
  switch (to) {
    case "done":
      return {
        task: { ...reopened, status: to, completedAt: at, completedBy: actor },
        changeVerb: TaskVerbs.Completed,
      };
    case "cancelled":
      return { task: { ...reopened, status: to, cancelledAt: at, cancelledBy: actor } };
    case "open":
      return { task: { ...reopened, status: to } };
  }
};

/**
 * The task after a PATCH by `actor`: fields applied (`null` clears), the reminder re-armed when it
 * moves (a reminder sent again unchanged keeps its state, so re-saving a form never re-fires or
 * refuses an old reminder), the status moved along an allowed transition, the schedule checked,
 * and the version stamped.
 */
export const patchTask = (
  before: Task,
  patch: UpdateTask,
  actor: string,
  now: Date,
): { readonly task: Task; readonly changeVerb?: string } => {
  const { status, dueAt, reminderAt, ...fields } = patch;
  let task = applyPatch(before, fields);
  if (dueAt !== undefined) {
    task =
      dueAt === null ? withoutFields(task, ["dueAt"]) : { ...task, dueAt: canonicalInstant(dueAt) };
  }
  const reminderMoved =
    reminderAt !== undefined &&
    (reminderAt === null ? undefined : canonicalInstant(reminderAt)) !== before.reminderAt;
  if (reminderMoved) {
    const rest = withoutFields(task, ["reminderAt", "reminderFiredAt"]);
    task = reminderAt === null ? rest : { ...rest, reminderAt: canonicalInstant(reminderAt) };
  }
  const moved = status === undefined ? { task } : moveTo(task, status, actor, now);
  if (reminderMoved || dueAt !== undefined) checkSchedule(moved.task, reminderMoved, now);
  return {
    task: stamp(moved.task, actor, now),
    ...(moved.changeVerb ? { changeVerb: moved.changeVerb } : {}),
  };
};

/** Whether the task's reminder is due at `now`: pending, and its time reached. */
export const reminderDue = (task: Task, now: Date): boolean =>
  reminderPending(task) && Date.parse(task.reminderAt) <= now.getTime();

/** The task once its reminder fired: stamped by the system, off the reminders index. */
export const fireReminder = (task: Task, actor: string, now: Date): Task =>
  stamp({ ...task, reminderFiredAt: now.toISOString() }, actor, now);
