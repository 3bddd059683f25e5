import { historyOperationOf } from "#lib/history/routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";
import { linkableRecord } from "./linkable-record.ts";
import type { CostScenario } from "./route-scenarios.ts";

/**
 * `GET /<collection>/{id}/history` before the recorder has written an entry, for every entity of
 * the linked-record registry (an entity added there gets its scenario with it). The page with
 * entries is measured on a contact (`getContactHistory`), whose history the fixtures record.
 */
const emptyHistoryScenario = (entity: LinkableEntityName): CostScenario => {
  const { collection, idParam } = linkableEntities[entity];
  const operationId = historyOperationOf(entity);
  return {
    id: `${operationId}.empty`,
    operationId,
    label: `GET /${collection}/{id}/history (no entry recorded yet)`,
    budget: "list",
    expectStatus: 200,
    prepare: async () => ({
      routeKey: `GET /${collection}/{${idParam}}/history`,
      pathParameters: { [idParam]: (await linkableRecord(entity)).id },
    }),
    note:
      "Only an empty first page (the recorder has not caught up yet) checks with a GetItem that " +
      "the record exists, so an unknown id is a 404.",
  };
};

export const historyScenarios: readonly CostScenario[] =
  LINKABLE_ENTITY_NAMES.map(emptyHistoryScenario);
