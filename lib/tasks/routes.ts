import { DELETERS, READERS, WRITERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { capitalized, recordParams } from "#lib/linked-records/record-routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";
import { pageOf } from "#lib/records/common-schema";
import {
  createTaskBody,
  listTasksQuery,
  relatedTasksQuery,
  taskParams,
  taskSchema,
  updateTaskBody,
} from "#lib/tasks/schema";

export type RelatedTasksOperationId = `list${Capitalize<LinkableEntityName>}Tasks`;

export const relatedTasksOperationId = (entity: LinkableEntityName): RelatedTasksOperationId =>
  `list${capitalized(entity)}Tasks`;

/** `GET /<collection>/{<idParam>}/tasks` for every record type tasks can link to. */
const relatedTasksRoute = (entity: LinkableEntityName) => {
  const { collection, idParam } = linkableEntities[entity];
  return route({
    operationId: relatedTasksOperationId(entity),
    method: "GET",
    path: `/${collection}/{${idParam}}/tasks`,
    function: "tasks",
    summary: `The tasks linked to a ${entity}, by due time; open ones unless status says otherwise`,
    roles: READERS,
    request: { params: recordParams(entity), query: relatedTasksQuery },
    response: { status: 200, body: pageOf(taskSchema), description: "A page of tasks" },
    errors: [404],
  });
};

export const taskRoutes = [
  route({
    operationId: "createTask",
    method: "POST",
    path: "/tasks",
    function: "tasks",
    summary: "Create a task, optionally with a reminder and links to records",
    roles: WRITERS,
    request: { body: createTaskBody },
    response: { status: 201, body: taskSchema, description: "The created task" },
    idempotent: true,
    errors: [422],
  }),
  route({
    operationId: "listTasks",
    method: "GET",
    path: "/tasks",
    function: "tasks",
    summary:
      "List tasks by due time: of one status (default open), optionally of one assignee (`me` for the caller), optionally only the overdue ones",
    roles: READERS,
    request: { query: listTasksQuery },
    response: { status: 200, body: pageOf(taskSchema), description: "A page of tasks" },
  }),
  route({
    operationId: "getTask",
    method: "GET",
    path: "/tasks/{taskId}",
    function: "tasks",
    summary: "Get a task",
    roles: READERS,
    request: { params: taskParams },
    response: { status: 200, body: taskSchema, description: "The task; its ETag is its version" },
    errors: [404],
  }),
  route({
    operationId: "updateTask",
    method: "PATCH",
    path: "/tasks/{taskId}",
    function: "tasks",
    summary:
      "Change some fields of a task: move its due time or reminder, reassign it, relink it, or reopen or cancel it through status",
    roles: WRITERS,
    request: { params: taskParams, body: updateTaskBody },
    response: { status: 200, body: taskSchema, description: "The updated task" },
    conditional: true,
    errors: [404, 409, 412, 422],
  }),
  route({
    operationId: "completeTask",
    method: "POST",
    path: "/tasks/{taskId}/complete",
    function: "tasks",
    summary: "Complete a task, recording who and when; a task already done is returned unchanged",
    roles: WRITERS,
    request: { params: taskParams },
    response: { status: 200, body: taskSchema, description: "The completed task" },
    conditional: true,
    errors: [404, 409, 412],
  }),
  route({
    operationId: "deleteTask",
    method: "DELETE",
    path: "/tasks/{taskId}",
    function: "tasks",
    summary: "Delete a task; its reminder goes with it",
    roles: DELETERS,
    request: { params: taskParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 412],
  }),
  ...LINKABLE_ENTITY_NAMES.map(relatedTasksRoute),
] as const;
