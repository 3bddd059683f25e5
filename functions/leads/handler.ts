import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, etagOf, noContent, ok, page } from "#lib/http/response";
import { leadAssignmentRoutes } from "#lib/lead-assignment/routes";
import * as assignment from "#lib/lead-assignment/service";
import { leadConversionRoutes } from "#lib/lead-conversion/routes";
import * as conversion from "#lib/lead-conversion/service";
import { leadRoutes } from "#lib/leads/routes";
import * as leads from "#lib/leads/service";

export const handler = httpFunction(
  [...leadRoutes, ...leadAssignmentRoutes, ...leadConversionRoutes],
  {
    createLead: async ({ body, principal }) => {
      const lead = await leads.createLead(body, principal);
      return created(lead, `/leads/${lead.id}`);
    },
    listLeads: async ({ query }) => page(await leads.listLeads(query)),
    getLead: async ({ params }) => ok(await leads.getLeadDetail(params.leadId)),
    updateLead: async ({ params, body, expectedVersion, principal }) =>
      ok(await leads.updateLead(params.leadId, body, expectedVersion, principal)),
    changeLeadStatus: async ({ params, body, expectedVersion, principal }) =>
      ok(await leads.changeLeadStatus(params.leadId, body, expectedVersion, principal.userId)),
    deleteLead: async ({ params, expectedVersion, principal }) => {
      await leads.deleteLead(params.leadId, expectedVersion, principal);
      return noContent();
    },
    convertLead: async ({ params, body, expectedVersion, principal }) => {
      const result = await conversion.convertLead(params.leadId, body, expectedVersion, principal);
      // The ETag is the lead's: the record this route changes.
      return { status: 200, body: result, headers: { etag: etagOf(result.lead.version) } };
    },
    getLeadAssignment: async () => ok(await assignment.getAssignmentConfig()),
    putLeadAssignment: async ({ body, expectedVersion, principal }) =>
      ok(await assignment.putAssignmentConfig(body, expectedVersion, principal.userId)),
  },
  { idempotency: idempotency() },
);
