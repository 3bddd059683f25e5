import { READERS } from "#lib/auth/roles";
import { historyPage, historyQuery } from "#lib/history/schema";
import { route } from "#lib/http/route";
import { capitalized, recordParams } from "#lib/linked-records/record-routes";
import {
  LINKABLE_ENTITY_NAMES,
  type LinkableEntityName,
  linkableEntities,
} from "#lib/linked-records/registry";

/**
 * `GET /<collection>/{<idParam>}/history` for every entry of the linked-record registry. The
 * recorder keeps the history of every record a domain event is about; these routes serve it for
 * the records a user opens: contacts, companies, deals, leads and tickets.
 */
export type HistoryOperation = `get${Capitalize<LinkableEntityName>}History`;

export const historyOperationOf = (entity: LinkableEntityName): HistoryOperation =>
  `get${capitalized(entity)}History`;

const historyRoute = (entity: LinkableEntityName) => {
  const { collection, idParam } = linkableEntities[entity];
  return route({
    operationId: historyOperationOf(entity),
    method: "GET",
    path: `/${collection}/{${idParam}}/history`,
    function: "history",
    summary: `The ${entity}'s field history: who changed which field, from what to what, newest first`,
    roles: READERS,
    request: { params: recordParams(entity), query: historyQuery },
    response: { status: 200, body: historyPage, description: "A page of history entries" },
    errors: [404],
  });
};

export const historyRoutes = LINKABLE_ENTITY_NAMES.map(historyRoute);
