import { timelineOperationOf } from "#lib/activities/routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";
import { linkableRecord } from "./linkable-record.ts";
import type { CostScenario, Fixtures } from "./route-scenarios.ts";

/**
 * The activity routes' cost scenarios: CRUD, and the timeline of every entity of the
 * linkable-record registry (an entity added there gets its timeline scenarios with it).
 */
const READ_BEFORE_WRITE =
  "Reads the activity first (GetItem): the old links say which timeline copies to move or " +
  "delete, the stored type which fields the patch may set, and the version is the condition.";

/** A call logged through the API on the given records, as setup; returns its id. */
const loggedCall = async (f: Fixtures, links: readonly { entity: string; id: string }[]) => {
  const created = await f.call(
    {
      routeKey: "POST /activities",
      body: {
        type: "call",
        occurredAt: `2026-11-${String((f.next() % 28) + 1).padStart(2, "0")}T10:00:00Z`,
        links,
        direction: "outbound",
        durationSeconds: 300,
        outcome: "connected",
      },
    },
    201,
  );
  return String(created.json?.id);
};

const callOnNewContact = async (f: Fixtures) => loggedCall(f, [await linkableRecord("contact")]);

const timelineScenarios = (entity: LinkableEntityName): CostScenario[] => {
  const { collection, idParam } = linkableEntities[entity];
  const routeKey = `GET /${collection}/{${idParam}}/timeline`;
  const operationId = timelineOperationOf(entity);
  return [
    {
      id: operationId,
      operationId,
      label: `GET /${collection}/{id}/timeline`,
      budget: "list",
      expectStatus: 200,
      prepare: async (f) => {
        const record = await linkableRecord(entity);
        for (let i = 0; i < 3; i++) await loggedCall(f, [record]);
        return { routeKey, pathParameters: { [idParam]: record.id } };
      },
    },
    {
      id: `${operationId}.typeAndRange`,
      operationId,
      label: `GET /${collection}/{id}/timeline?type=call&from=…&to=…`,
      budget: "list",
      expectStatus: 200,
      prepare: async (f) => {
        const record = await linkableRecord(entity);
        await loggedCall(f, [record]);
        return {
          routeKey,
          pathParameters: { [idParam]: record.id },
          query: { type: "call", from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" },
        };
      },
      note: "The type picks the index (gsi2 instead of gsi1), the dates bound its sort key.",
    },
    {
      id: `${operationId}.empty`,
      operationId,
      label: `GET /${collection}/{id}/timeline (no activity)`,
      budget: "list",
      expectStatus: 200,
      prepare: async () => ({
        routeKey,
        pathParameters: { [idParam]: (await linkableRecord(entity)).id },
      }),
      note:
        "Only an empty first page checks with a GetItem that the record exists, so an unknown " +
        "id is a 404.",
    },
  ];
};

export const activityScenarios: readonly CostScenario[] = [
  {
    id: "createActivity",
    operationId: "createActivity",
    label: "POST /activities (on a contact and a company)",
    budget: "create",
    expectStatus: 201,
    prepare: async () => ({
      routeKey: "POST /activities",
      body: {
        type: "note",
        occurredAt: "2026-11-23T10:00:00Z",
        body: "Wants the three-year pricing.",
        links: [await linkableRecord("contact"), await linkableRecord("company")],
      },
    }),
    note:
      "One transaction: the activity, a timeline copy per linked record, and a check that each " +
      "linked record exists.",
  },
  {
    id: "getActivity",
    operationId: "getActivity",
    label: "GET /activities/{id}",
    budget: "read",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "GET /activities/{activityId}",
      pathParameters: { activityId: await callOnNewContact(f) },
    }),
  },
  {
    id: "updateActivity",
    operationId: "updateActivity",
    label: "PATCH /activities/{id}",
    budget: "write",
    expectStatus: 200,
    prepare: async (f) => ({
      routeKey: "PATCH /activities/{activityId}",
      pathParameters: { activityId: await callOnNewContact(f) },
      body: { outcome: "left_voicemail", occurredAt: "2026-11-24T09:00:00Z" },
    }),
    note: READ_BEFORE_WRITE,
  },
  {
    id: "deleteActivity",
    operationId: "deleteActivity",
    label: "DELETE /activities/{id}",
    budget: "write",
    expectStatus: 204,
    prepare: async (f) => ({
      routeKey: "DELETE /activities/{activityId}",
      pathParameters: { activityId: await callOnNewContact(f) },
    }),
    note: READ_BEFORE_WRITE,
  },
  ...LINKABLE_ENTITY_NAMES.flatMap(timelineScenarios),
];
