import { LINKABLE_ENTITY_NAMES, linkableEntities } from "#lib/linked-records/registry";
import { relatedTasksOperationId } from "#lib/tasks/routes";
import { linkableRecord } from "./linkable-record.ts";
import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The task routes' cost scenarios: CRUD, completion, each view of `GET /tasks`, and the tasks of
 * a record for every entity tasks can link to.
 */
const READ_BEFORE_WRITE =
  "Reads the task first (GetItem): the old links say which facets to move or delete, the " +
  "status which transition applies, and the version is the write's condition.";

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

const newTask = async (f: Fixtures, body: Record<string, unknown> = {}) => {
  const created = await f.call(
    { routeKey: "POST /tasks", body: { title: `Follow up ${f.next()}`, ...body } },
    201,
  );
  return String(created.json?.id);
};

const taskRequest = async (f: Fixtures, routeKey: string) => ({
  routeKey,
  pathParameters: { taskId: await newTask(f, { dueAt: inMinutes(60) }) },
});

export const taskScenarios: readonly CostScenario[] = [
  {
    id: "createTask",
    operationId: "createTask",
    label: "POST /tasks (with a reminder and a link)",
    budget: "create",
    expectStatus: 201,
    prepare: async (f) => ({
      routeKey: "POST /tasks",
      body: {
        title: "Send the proposal",
        dueAt: inMinutes(120),
        reminderAt: inMinutes(60),
        priority: "high",
        links: [{ entity: "contact", id: (await f.contact()).id }],
      },
    }),
    note: "The task, its link facet and the linked record's existence check: one transaction.",
  },
  ...(
    [
      ["open", "GET /tasks (open tasks by due time)", {}],
      ["mine", "GET /tasks?assigneeId=me", { assigneeId: "me" }],
      ["overdue", "GET /tasks?overdue=true", { overdue: "true" }],
      [
        "mineOverdue",
        "GET /tasks?assigneeId=me&overdue=true",
        { assigneeId: "me", overdue: "true" },
      ],
      ["done", "GET /tasks?status=done", { status: "done" }],
    ] as const
  ).map(
    ([variant, label, query]): CostScenario => ({
      id: `listTasks.${variant}`,
      operationId: "listTasks",
      label,
      budget: "list",
      expectStatus: 200,
      prepare: async (f) => {
        await newTask(f, { dueAt: inMinutes(-30) });
        return { routeKey: "GET /tasks", query: { ...query } };
      },
    }),
  ),
  {
    id: "getTask",
    operationId: "getTask",
    label: "GET /tasks/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: (f) => taskRequest(f, "GET /tasks/{taskId}"),
  },
  {
    id: "updateTask",
    operationId: "updateTask",
    label: "PATCH /tasks/{id} (move the due time and the reminder)",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      ...(await taskRequest(f, "PATCH /tasks/{taskId}")),
      body: { dueAt: inMinutes(240), reminderAt: inMinutes(180) },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "completeTask",
    operationId: "completeTask",
    label: "POST /tasks/{id}/complete",
    budget: "write",
    expectStatus: 200,
    prepare: (f) => taskRequest(f, "POST /tasks/{taskId}/complete"),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteTask",
    operationId: "deleteTask",
    label: "DELETE /tasks/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: (f) => taskRequest(f, "DELETE /tasks/{taskId}"),
    note: READ_BEFORE_WRITE,
  },
  ...LINKABLE_ENTITY_NAMES.map((entity): CostScenario => {
    const { collection, idParam } = linkableEntities[entity];
    return {
      id: relatedTasksOperationId(entity),
      operationId: relatedTasksOperationId(entity),
      label: `GET /${collection}/{id}/tasks`,
      budget: "list",
      expectStatus: 200,
      prepare: async (f) => {
        const record = await linkableRecord(entity);
        await newTask(f, { dueAt: inMinutes(30), links: [record] });
        return {
          routeKey: `GET /${collection}/{${idParam}}/tasks`,
          pathParameters: { [idParam]: record.id },
        };
      },
    };
  }),
];
