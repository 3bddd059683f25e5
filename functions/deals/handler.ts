import { dealRoutes } from "#lib/deals/routes";
import * as deals from "#lib/deals/service";
import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";

export const handler = httpFunction(
  dealRoutes,
  {
    createDeal: async ({ body, principal }) => {
      const deal = await deals.createDeal(body, principal);
      return created(deal, `/deals/${deal.id}`);
    },
    listDeals: async ({ query }) => page(await deals.listDeals(query)),
    getDeal: async ({ params }) => ok(await deals.getDeal(params.dealId)),
    updateDeal: async ({ params, body, expectedVersion, principal }) =>
      ok(await deals.updateDeal(params.dealId, body, expectedVersion, principal)),
    deleteDeal: async ({ params, expectedVersion, principal }) => {
      await deals.deleteDeal(params.dealId, expectedVersion, principal);
      return noContent();
    },
    moveDeal: async ({ params, body, expectedVersion, principal }) =>
      ok(await deals.moveDeal(params.dealId, body, expectedVersion, principal)),
  },
  { idempotency: idempotency() },
);
