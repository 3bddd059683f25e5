import { READERS } from "#lib/auth/roles";
import { companyParams } from "#lib/companies/schema";
import { contactParams } from "#lib/contacts/schema";
import { historyPage, historyQuery } from "#lib/history/schema";
import { route } from "#lib/http/route";

export const historyRoutes = [
  route({
    operationId: "getContactHistory",
    method: "GET",
    path: "/contacts/{contactId}/history",
    function: "history",
    summary:
      "The contact's field history: who changed which field, from what to what, newest first",
    roles: READERS,
    request: { params: contactParams, query: historyQuery },
    response: { status: 200, body: historyPage, description: "A page of history entries" },
    errors: [404],
  }),
  route({
    operationId: "getCompanyHistory",
    method: "GET",
    path: "/companies/{companyId}/history",
    function: "history",
    summary:
      "The company's field history: who changed which field, from what to what, newest first",
    roles: READERS,
    request: { params: companyParams, query: historyQuery },
    response: { status: 200, body: historyPage, description: "A page of history entries" },
    errors: [404],
  }),
] as const;
