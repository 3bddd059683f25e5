import {
  activityParams,
  activitySchema,
  createActivityBody,
  timelineQuery,
  updateActivityBody,
} from "#lib/activities/schema";
import { DELETERS, READERS, WRITERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { capitalized, recordParams } from "#lib/linked-records/record-routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";
import { pageOf } from "#lib/records/common-schema";

/**
 * The activity routes, and `GET /<collection>/{<idParam>}/timeline` for every entry of the
 * linkable-record registry: an entity added there (deals, leads, tickets) gets its timeline with
 * no change here.
 */
export type TimelineOperation = `get${Capitalize<LinkableEntityName>}Timeline`;

export const timelineOperationOf = (entity: LinkableEntityName): TimelineOperation =>
  `get${capitalized(entity)}Timeline`;

const timelineRoute = (entity: LinkableEntityName) => {
  const { collection, idParam } = linkableEntities[entity];
  return route({
    operationId: timelineOperationOf(entity),
    method: "GET",
    path: `/${collection}/{${idParam}}/timeline`,
    function: "activities",
    summary: `The ${entity}'s timeline: its activities, newest first, filterable by type and date range`,
    roles: READERS,
    request: { params: recordParams(entity), query: timelineQuery },
    response: {
      status: 200,
      body: pageOf(activitySchema),
      description: "A page of activities, newest first",
    },
    errors: [404],
  });
};

export const timelineRoutes = LINKABLE_ENTITY_NAMES.map(timelineRoute);

export const activityRoutes = [
  route({
    operationId: "createActivity",
    method: "POST",
    path: "/activities",
    function: "activities",
    summary:
      "Log an activity (email, call, meeting, note or social message) on one or more records",
    roles: WRITERS,
    request: { body: createActivityBody },
    response: { status: 201, body: activitySchema, description: "The created activity" },
    idempotent: true,
    errors: [422],
  }),
  route({
    operationId: "getActivity",
    method: "GET",
    path: "/activities/{activityId}",
    function: "activities",
    summary: "Get an activity",
    roles: READERS,
    request: { params: activityParams },
    response: {
      status: 200,
      body: activitySchema,
      description: "The activity; its ETag is its version",
    },
    errors: [404],
  }),
  route({
    operationId: "updateActivity",
    method: "PATCH",
    path: "/activities/{activityId}",
    function: "activities",
    summary:
      "Change some fields of an activity (not its type); the timelines of its records follow",
    roles: WRITERS,
    request: { params: activityParams, body: updateActivityBody },
    response: { status: 200, body: activitySchema, description: "The updated activity" },
    conditional: true,
    errors: [404, 412, 422],
  }),
  route({
    operationId: "deleteActivity",
    method: "DELETE",
    path: "/activities/{activityId}",
    function: "activities",
    summary: "Delete an activity; it leaves the timelines of its records",
    roles: DELETERS,
    request: { params: activityParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 412],
  }),
  ...timelineRoutes,
] as const;
