import { historyOperationOf, historyRoutes } from "#lib/history/routes";
import { getHistory } from "#lib/history/service";
import { httpFunction, type OperationInput, type Operations } from "#lib/http/http-function";
import { page } from "#lib/http/response";
import { recordOf } from "#lib/linked-records/record-routes";
import { LINKABLE_ENTITY_NAMES } from "#lib/linked-records/registry";

type HistoryRoute = (typeof historyRoutes)[number];

/** `GET /<collection>/{id}/history` for every entry of the linked-record registry. */
const operations = Object.fromEntries(
  LINKABLE_ENTITY_NAMES.map((entity) => [
    historyOperationOf(entity),
    async ({ params, query }: OperationInput<HistoryRoute>) =>
      page(await getHistory(recordOf(entity, params), query)),
  ]),
) as Operations<typeof historyRoutes>;

export const handler = httpFunction(historyRoutes, operations);
