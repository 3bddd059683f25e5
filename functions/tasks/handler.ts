import { httpFunction, type OperationInput, type Operations } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";
import { recordOf } from "#lib/linked-records/record-routes";
import { LINKABLE_ENTITY_NAMES } from "#lib/linked-records/registry";
import {
  type RelatedTasksOperationId,
  relatedTasksOperationId,
  taskRoutes,
} from "#lib/tasks/routes";
import * as tasks from "#lib/tasks/service";

type RelatedTasksRoute = Extract<
  (typeof taskRoutes)[number],
  { operationId: RelatedTasksOperationId }
>;

/** `GET /<collection>/{id}/tasks` for every entry of the linkable-record registry. */
const relatedTasksOperations = Object.fromEntries(
  LINKABLE_ENTITY_NAMES.map((entity) => [
    relatedTasksOperationId(entity),
    async ({ params, query }: OperationInput<RelatedTasksRoute>) =>
      page(await tasks.listRelatedTasks(entity, recordOf(entity, params).id, query)),
  ]),
) as Pick<Operations<typeof taskRoutes>, RelatedTasksOperationId>;

export const handler = httpFunction(
  taskRoutes,
  {
    createTask: async ({ body, principal }) => {
      const task = await tasks.createTask(body, principal);
      return created(task, `/tasks/${task.id}`);
    },
    listTasks: async ({ query, principal }) => page(await tasks.listTasks(query, principal)),
    getTask: async ({ params }) => ok(await tasks.getTask(params.taskId)),
    updateTask: async ({ params, body, expectedVersion, principal }) =>
      ok(await tasks.updateTask(params.taskId, body, expectedVersion, principal)),
    completeTask: async ({ params, expectedVersion, principal }) =>
      ok(await tasks.completeTask(params.taskId, expectedVersion, principal)),
    deleteTask: async ({ params, expectedVersion, principal }) => {
      await tasks.deleteTask(params.taskId, expectedVersion, principal);
      return noContent();
    },
    ...relatedTasksOperations,
  },
  { idempotency: idempotency() },
);
