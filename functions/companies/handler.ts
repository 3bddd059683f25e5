import { companyRoutes } from "#lib/companies/routes";
import * as companies from "#lib/companies/service";
import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";

export const handler = httpFunction(
  companyRoutes,
  {
    createCompany: async ({ body, principal }) => {
      const company = await companies.createCompany(body, principal);
      return created(company, `/companies/${company.id}`);
    },
    listCompanies: async ({ query }) => page(await companies.listCompanies(query)),
    getCompany: async ({ params }) => ok(await companies.getCompany(params.companyId)),
    updateCompany: async ({ params, body, expectedVersion, principal }) =>
      ok(await companies.updateCompany(params.companyId, body, expectedVersion, principal)),
    deleteCompany: async ({ params, expectedVersion, principal }) => {
      await companies.deleteCompany(params.companyId, expectedVersion, principal);
      return noContent();
    },
    listCompanyContacts: async ({ params, query }) =>
      page(await companies.listCompanyContacts(params.companyId, query)),
  },
  { idempotency: idempotency() },
);
