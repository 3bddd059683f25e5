import type { Facet, IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import type { Task, TaskStatus } from "#lib/tasks/schema";

/**
 * Every key format of tasks, in one place. See docs/data-model.md for the access patterns.
 *
 * | item       | pk         | sk                    | gsi1                                                | gsi2                                | gsi3                                             |
 * |------------|------------|-----------------------|-----------------------------------------------------|-------------------------------------|--------------------------------------------------|
 * | task       | task#<id>  | task                  | task#assignee#<assigneeId>#<status> / <due>#<id>    | task#status#<status> / <due>#<id>   | task#reminders / <reminderAt>#<id> (see below)   |
 * | link facet | task#<id>  | link#<entity>#<refId> | <entity>#<refId>#tasks#<status> / <due>#<id>        |                                     |                                                  |
 *
 * `<due>` is the due time (ISO-8601 UTC, milliseconds, so strings sort as times), or `~` for a
 * task without one: it sorts after every time, so those come last and are never overdue. The
 * status is part of each list's partition, so "open tasks" never reads past a done one, and
 * "overdue" is a range on the sort key: `< <now>`.
 *
 * The reminder lives on the task itself: while the task is open and its reminder has not fired,
 * the task carries gsi3 keys in the reminders partition, ordered by reminder time (a sparse
 * index). Moving the reminder, firing it, completing or cancelling the task rewrites the task
 * item, and with it these keys, in the same transaction: there is no second timer to keep in
 * step. The reminder sweeper reads the partition up to now.
 */
export const TASK_ENTITY = "task";

/** A link as a task stores it (the API validates it as a `recordRef`). */
type Link = { readonly entity: string; readonly id: string };

export const taskKey = (id: string): ItemKey => ({ pk: `task#${id}`, sk: "task" });
export const linkFacetKey = (taskId: string, ref: Link): ItemKey => ({
  pk: `task#${taskId}`,
  sk: `link#${ref.entity}#${ref.id}`,
});

export const byAssigneePartition = (assigneeId: string, status: TaskStatus) =>
  `task#assignee#${assigneeId}#${status}`;
export const byStatusPartition = (status: TaskStatus) => `task#status#${status}`;
export const relatedPartition = (ref: Link, status: TaskStatus) =>
  `${ref.entity}#${ref.id}#tasks#${status}`;
export const REMINDERS_PARTITION = "task#reminders";

/** Sorts after every ISO-8601 time: tasks without a due time come last. */
const NO_DUE_TIME = "~";
/**
 * Every due sort key of a task due strictly before a time sorts below that time itself (as
 * `toISOString` writes it), so the time is the bound of an overdue list.
 */
export const dueSortKey = (task: Pick<Task, "dueAt" | "id">) =>
  `${task.dueAt ?? NO_DUE_TIME}#${task.id}`;

export const reminderSortKey = (reminderAt: string, id: string) => `${reminderAt}#${id}`;
/** Every reminder sort key of a reminder at or before `nowIso` sorts below this bound. */
export const remindersDueBound = (nowIso: string) => `${nowIso}#~`;

/** The reminder is armed: the task is open, has a reminder, and it has not fired yet. */
export const reminderPending = (task: Task): task is Task & { reminderAt: string } =>
  task.status === "open" && task.reminderAt !== undefined && task.reminderFiredAt === undefined;

export const taskModel: RecordModel<Task> = {
  type: TASK_ENTITY,
  key: taskKey,
  index: (t): IndexKeys => ({
    gsi1pk: byAssigneePartition(t.assigneeId, t.status),
    gsi1sk: dueSortKey(t),
    gsi2pk: byStatusPartition(t.status),
    gsi2sk: dueSortKey(t),
    ...(reminderPending(t)
      ? { gsi3pk: REMINDERS_PARTITION, gsi3sk: reminderSortKey(t.reminderAt, t.id) }
      : {}),
  }),
  facets: (t): Facet[] =>
    t.links.map((ref) => ({
      name: "link",
      key: linkFacetKey(t.id, ref),
      index: { gsi1pk: relatedPartition(ref, t.status), gsi1sk: dueSortKey(t) },
    })),
};
