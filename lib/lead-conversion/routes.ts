import { WRITERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { conversionResult, convertLeadBody } from "#lib/lead-conversion/schema";
import { leadParams } from "#lib/leads/schema";

/**
 * Served by the leads function: a conversion is a change of the lead, and one more function
 * would cost the stack resources it is short of (CloudFormation's 500 per template).
 */
export const leadConversionRoutes = [
  route({
    operationId: "convertLead",
    method: "POST",
    path: "/leads/{leadId}/convert",
    function: "leads",
    summary:
      "Convert a lead into a contact and a company (existing ones are linked), and optionally a deal, in one transaction",
    roles: WRITERS,
    request: { params: leadParams, body: convertLeadBody },
    response: {
      status: 200,
      body: conversionResult,
      description:
        "The converted lead and what it became; a lead converted already answers with its stored conversion",
    },
    conditional: true,
    errors: [404, 409, 412, 422],
  }),
] as const;
