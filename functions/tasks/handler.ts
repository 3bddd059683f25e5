import { httpFunction, type OperationInput } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, type HttpResult, noContent, ok, page } from "#lib/http/response";
import { recordOf } from "#lib/linked-records/record-routes";
import {
  entityOfRelatedTasks,
  type RelatedTasksOperationId,
  type relatedTaskRoutes,
  taskRoutes,
} from "#lib/tasks/routes";
import * as tasks from "#lib/tasks/service";

type RelatedTasksRoute = (typeof relatedTaskRoutes)[number];

/** One operation per linkable entity, so that a new linkable entity needs no change here. */
const relatedTasks = Object.fromEntries(
  [...entityOfRelatedTasks].map(([operationId, entity]) => [
    operationId,
    async ({ params, query }: OperationInput<RelatedTasksRoute>): Promise<HttpResult> =>
      page(await tasks.listRelatedTasks(entity, recordOf(entity, params).id, query)),
  ]),
) as Record<
  RelatedTasksOperationId,
  (input: OperationInput<RelatedTasksRoute>) => Promise<HttpResult>
>;

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
    ...relatedTasks,
  },
  { idempotency: idempotency() },
);
