import { DELETERS, READERS, WRITERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import {
  changeLeadStatusBody,
  createLeadBody,
  leadDetailSchema,
  leadParams,
  leadSchema,
  listLeadsQuery,
  updateLeadBody,
} from "#lib/leads/schema";
import { webFormLeadBody, webFormLeadCreated } from "#lib/leads/web-form-schema";
import { pageOf } from "#lib/records/common-schema";

export const leadRoutes = [
  route({
    operationId: "createLead",
    method: "POST",
    path: "/leads",
    function: "leads",
    summary: "Create a lead (imported, from an event, a referral or an integration)",
    roles: WRITERS,
    request: { body: createLeadBody },
    response: { status: 201, body: leadSchema, description: "The created lead" },
    idempotent: true,
  }),
  route({
    operationId: "listLeads",
    method: "GET",
    path: "/leads",
    function: "leads",
    summary:
      "List leads in one view: by status (highest score first), by owner or by source (newest first)",
    roles: READERS,
    request: { query: listLeadsQuery },
    response: { status: 200, body: pageOf(leadSchema), description: "A page of leads" },
  }),
  route({
    operationId: "getLead",
    method: "GET",
    path: "/leads/{leadId}",
    function: "leads",
    summary: "Get a lead",
    roles: READERS,
    request: { params: leadParams },
    response: {
      status: 200,
      body: leadDetailSchema,
      description: "The lead with its engagement; its ETag is its version",
    },
    errors: [404],
  }),
  route({
    operationId: "updateLead",
    method: "PATCH",
    path: "/leads/{leadId}",
    function: "leads",
    summary: "Change a lead's details, owner or opt-out",
    roles: WRITERS,
    request: { params: leadParams, body: updateLeadBody },
    response: { status: 200, body: leadSchema, description: "The updated lead" },
    conditional: true,
    errors: [404, 409, 412],
  }),
  route({
    operationId: "changeLeadStatus",
    method: "POST",
    path: "/leads/{leadId}/status",
    function: "leads",
    summary: "Move a lead to another status (converted only through conversion)",
    roles: WRITERS,
    request: { params: leadParams, body: changeLeadStatusBody },
    response: { status: 200, body: leadSchema, description: "The lead in its new status" },
    conditional: true,
    errors: [404, 409, 412, 422],
  }),
  route({
    operationId: "deleteLead",
    method: "DELETE",
    path: "/leads/{leadId}",
    function: "leads",
    summary: "Delete a lead",
    roles: DELETERS,
    request: { params: leadParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 412],
  }),
] as const;

/** The one public route of the API: no token, its own throttling (see docs/api.md). */
export const webFormRoutes = [
  route({
    operationId: "captureWebFormLead",
    method: "POST",
    path: "/web-forms/leads",
    function: "webForms",
    summary: "Capture a lead from a public web form (no token)",
    roles: [],
    auth: "none",
    request: { body: webFormLeadBody },
    response: {
      status: 201,
      body: webFormLeadCreated,
      description: "The lead was captured; only its id is returned",
    },
    idempotent: true,
    errors: [403],
  }),
] as const;
