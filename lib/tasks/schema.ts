import * as z from "zod/mini";
import { recordRefs } from "#lib/linked-records/registry";
import { idOf, isoDateTime, pageQuery, recordMeta, userId } from "#lib/records/common-schema";

/**
 * Tasks: follow-ups with a due time, an assignee, a priority and an optional reminder, linked to
 * any number of records. A task is created `open`; `done` and `cancelled` are reached (and left
 * again) only through the transitions in `lib/tasks/transitions.ts`.
 */
export const TASK_STATUSES = ["open", "done", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/**
 * A transaction holds at most 100 items. A PATCH that replaces every link costs the task, its
 * current link facets, the facets it drops and an existence check per new link: 1 + 3 × 25.
 */
export const MAX_TASK_LINKS = 25;

export const taskId = idOf("task");
export const taskStatus = z.enum(TASK_STATUSES);
export const taskPriority = z.enum(TASK_PRIORITIES);

const title = z.string().check(z.trim(), z.minLength(1), z.maxLength(300));
const notes = z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000));

const links = recordRefs(MAX_TASK_LINKS);

/** Both times are optional; when a task has both, the reminder may not come after the due time. */
export const createTaskBody = z.strictObject({
  title,
  notes: z.optional(notes),
  dueAt: z.optional(isoDateTime),
  /** Defaults to the caller. */
  assigneeId: z.optional(userId),
  priority: z._default(taskPriority, "normal"),
  links: z._default(links, []),
  reminderAt: z.optional(isoDateTime),
});

/**
 * PATCH: every field optional; `null` clears `notes`, `dueAt` or `reminderAt`. `status` moves the
 * task along the allowed transitions (open -> done | cancelled, done | cancelled -> open).
 */
export const updateTaskBody = z
  .strictObject({
    title: z.optional(title),
    notes: z.optional(z.nullable(notes)),
    dueAt: z.optional(z.nullable(isoDateTime)),
    assigneeId: z.optional(userId),
    priority: z.optional(taskPriority),
    status: z.optional(taskStatus),
    links: z.optional(links),
    reminderAt: z.optional(z.nullable(isoDateTime)),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

export const taskSchema = z.object({
  id: taskId,
  title: z.string(),
  notes: z.optional(z.string()),
  dueAt: z.optional(z.string()),
  assigneeId: z.string(),
  priority: taskPriority,
  status: taskStatus,
  links: z.array(z.object({ entity: z.string(), id: z.string() })),
  reminderAt: z.optional(z.string()),
  /** Set when the reminder fired (`task.reminder_due`); cleared when the reminder moves. */
  reminderFiredAt: z.optional(z.string()),
  completedAt: z.optional(z.string()),
  completedBy: z.optional(z.string()),
  cancelledAt: z.optional(z.string()),
  cancelledBy: z.optional(z.string()),
  ...recordMeta,
});

export const taskParams = z.strictObject({ taskId });

/** Only `true`: "not overdue" is no index's order, and `false` would read as "no filter". */
const overdue = z.optional(z.enum(["true"]));

/**
 * `GET /tasks`: `status` defaults to `open`; `assigneeId` (`me` for the caller) narrows to one
 * assignee; `overdue=true` keeps the open tasks due before now. Every combination is one index.
 */
export const listTasksQuery = z.strictObject({
  ...pageQuery,
  assigneeId: z.optional(userId),
  status: z.optional(taskStatus),
  overdue,
});

/** The tasks linked to one record: `GET /contacts/{contactId}/tasks`. */
export const relatedTasksQuery = z.strictObject({
  ...pageQuery,
  status: z.optional(taskStatus),
  overdue,
});

export type Task = z.infer<typeof taskSchema>;
export type CreateTask = z.output<typeof createTaskBody>;
export type UpdateTask = z.output<typeof updateTaskBody>;
export type ListTasksQuery = z.output<typeof listTasksQuery>;
export type RelatedTasksQuery = z.output<typeof relatedTasksQuery>;
