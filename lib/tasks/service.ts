import type { Principal } from "#lib/auth/principal";
import { createRecord, getRecord, type ListQuery, listRecords } from "#lib/db/record-store";
import { DomainError, notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import {
  addedLinks,
  explainMissingLinks,
  type LinkableEntityName,
  linkedRecordExists,
  linkedRecordFound,
} from "#lib/linked-records/registry";
import { DEFAULT_PAGE_SIZE } from "#lib/records/common-schema";
import { newId } from "#lib/records/ids";
import { mutateRecord, removeRecord, stamp } from "#lib/records/mutate";
import {
  byAssigneePartition,
  byStatusPartition,
  relatedPartition,
  taskModel,
} from "#lib/tasks/keys";
import { moveTo, newTask, patchTask } from "#lib/tasks/lifecycle";
import type {
  CreateTask,
  ListTasksQuery,
  RelatedTasksQuery,
  Task,
  TaskStatus,
  UpdateTask,
} from "#lib/tasks/schema";

const MISSING_LINKS = "task.linked_records_missing";

/** The caller can name themselves as `me` in `?assigneeId=`. */
export const ME = "me";

export const createTask = async (input: CreateTask, actor: Principal): Promise<Task> => {
  const task = newTask(newId("task"), input, actor.userId, new Date());
  await createRecord(taskModel, task, input.links.map(linkedRecordExists)).catch(
    explainMissingLinks(MISSING_LINKS),
  );
  return task;
};

export const getTask = async (id: string): Promise<Task> =>
  (await getRecord(taskModel, id)) ?? Promise.reject(notFound("task", id));

/**
 * A PATCH, conditioned on the version read (or on If-Match). Links the task gains are checked to
 * exist in the same transaction; links it keeps are not, so a task stays editable after a record
 * it points at was deleted.
 */
export const updateTask = (
  id: string,
  patch: UpdateTask,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Task> =>
  mutateRecord(taskModel, id, expectedVersion, (before) => {
    const { task, changeVerb } = patchTask(before, patch, actor.userId, new Date());
    return {
      after: task,
      extra: addedLinks(before.links, patch.links ?? []).map(linkedRecordExists),
      ...(changeVerb ? { changeVerb } : {}),
    };
  }).catch(explainMissingLinks(MISSING_LINKS));

/**
 * Completes an open task, recording who and when. Completing a task that is already done changes
 * nothing and returns it as it is (no new version, no event), so a retried request succeeds; a
 * cancelled task must be reopened first (409 `task.invalid_transition`).
 */
export const completeTask = (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<Task> =>
  mutateRecord(taskModel, id, expectedVersion, (before) => {
    if (before.status === "done") return null;
    const now = new Date();
    const { task, changeVerb } = moveTo(before, "done", actor.userId, now);
    return { after: stamp(task, actor.userId, now), ...(changeVerb ? { changeVerb } : {}) };
  });

export const deleteTask = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(taskModel, id, expectedVersion, actor.userId);
};

type IndexPlan = Omit<ListQuery, "limit" | "cursor">;

const overdueOnlyWhenOpen = (status: TaskStatus, overdue: "true" | undefined) => {
  if (overdue && status !== "open") {
    throw new DomainError(
      "invalid",
      "task.overdue_needs_open",
      "Only open tasks can be overdue; drop status or ask for status=open.",
      {},
      [{ path: "query.overdue", message: `overdue cannot be combined with status=${status}` }],
    );
  }
};

/** One Query on a list ordered by due time; `overdue` stops it at now. */
const listByDue = (
  plan: IndexPlan,
  query: { limit?: number | undefined; cursor?: string | undefined },
  overdue: "true" | undefined,
): Promise<Page<Task>> =>
  listRecords<Task>({
    ...plan,
    // A due sort key sorts below now exactly when the task is overdue (`dueSortKey`).
    ...(overdue ? { sortBefore: new Date().toISOString() } : {}),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
  });

/**
 * `GET /tasks`, by due time (soonest first, tasks without one last), one Query per page:
 * with `assigneeId`, that assignee's tasks of one status (gsi1); without, every task of one
 * status (gsi2). `status` defaults to `open`; `overdue=true` ends the list at now.
 */
export const listTasks = async (query: ListTasksQuery, actor: Principal): Promise<Page<Task>> => {
  const status = query.status ?? "open";
  overdueOnlyWhenOpen(status, query.overdue);
  const assignee = query.assigneeId === ME ? actor.userId : query.assigneeId;
  const plan: IndexPlan =
    assignee === undefined
      ? { index: "gsi2", partition: byStatusPartition(status) }
      : { index: "gsi1", partition: byAssigneePartition(assignee, status) };
  return listByDue(plan, query, query.overdue);
};

/**
 * The tasks linked to one record, by due time, one Query per page on the link facets (gsi1).
 * Tasks outlive nothing here: an unknown record is a 404, checked (one GetItem) only when the
 * first page is empty, so the common case stays one Query.
 */
export const listRelatedTasks = async (
  entity: LinkableEntityName,
  id: string,
  query: RelatedTasksQuery,
): Promise<Page<Task>> => {
  const status = query.status ?? "open";
  overdueOnlyWhenOpen(status, query.overdue);
  const page = await listByDue(
    { index: "gsi1", partition: relatedPartition({ entity, id }, status) },
    query,
    query.overdue,
  );
  if (page.data.length === 0 && query.cursor === undefined) {
    if (!(await linkedRecordFound({ entity, id }))) throw notFound(entity, id);
  }
  return page;
};
