import {
  activityRoutes,
  type TimelineOperation,
  timelineOperationOf,
} from "#lib/activities/routes";
import * as activities from "#lib/activities/service";
import { httpFunction, type OperationInput, type Operations } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";
import { recordOf } from "#lib/linked-records/record-routes";
import { LINKABLE_ENTITY_NAMES } from "#lib/linked-records/registry";

type TimelineRoute = Extract<(typeof activityRoutes)[number], { operationId: TimelineOperation }>;

/** `GET /<collection>/{id}/timeline` for every entry of the linkable-record registry. */
const timelineOperations = Object.fromEntries(
  LINKABLE_ENTITY_NAMES.map((entity) => [
    timelineOperationOf(entity),
    async ({ params, query }: OperationInput<TimelineRoute>) =>
      page(await activities.getTimeline(entity, recordOf(entity, params).id, query)),
  ]),
) as Pick<Operations<typeof activityRoutes>, TimelineOperation>;

export const handler = httpFunction(
  activityRoutes,
  {
    ...timelineOperations,
    createActivity: async ({ body, principal }) => {
      const activity = await activities.createActivity(body, principal);
      return created(activity, `/activities/${activity.id}`);
    },
    getActivity: async ({ params }) => ok(await activities.getActivity(params.activityId)),
    updateActivity: async ({ params, body, expectedVersion, principal }) =>
      ok(await activities.updateActivity(params.activityId, body, expectedVersion, principal)),
    deleteActivity: async ({ params, expectedVersion, principal }) => {
      await activities.deleteActivity(params.activityId, expectedVersion, principal);
      return noContent();
    },
  },
  { idempotency: idempotency() },
);
