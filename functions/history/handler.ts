import { historyRoutes } from "#lib/history/routes";
import { getHistory } from "#lib/history/service";
import { httpFunction } from "#lib/http/http-function";
import { page } from "#lib/http/response";

export const handler = httpFunction(historyRoutes, {
  getContactHistory: async ({ params, query }) =>
    page(await getHistory("contact", params.contactId, query)),
  getCompanyHistory: async ({ params, query }) =>
    page(await getHistory("company", params.companyId, query)),
});
