import * as z from "zod/mini";
import { ADMINS, READERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { pageOf, pageQuery } from "#lib/records/common-schema";
import {
  createSlaPolicyBody,
  slaPolicyParams,
  slaPolicySchema,
  updateSlaPolicyBody,
} from "#lib/sla-policies/schema";

/**
 * SLA policies are served by the `tickets` function (functions/tickets/handler.ts): ticket
 * creation reads them, and one function for the support capability keeps the stack small.
 */
export const slaPolicyRoutes = [
  route({
    operationId: "createSlaPolicy",
    method: "POST",
    path: "/sla-policies",
    function: "tickets",
    summary: "Create an SLA policy: targets per priority, scope, business hours, warning",
    roles: ADMINS,
    request: { body: createSlaPolicyBody },
    response: { status: 201, body: slaPolicySchema, description: "The created policy" },
    idempotent: true,
    errors: [409, 422],
  }),
  route({
    operationId: "listSlaPolicies",
    method: "GET",
    path: "/sla-policies",
    function: "tickets",
    summary: "List the SLA policies, oldest first",
    roles: READERS,
    request: { query: z.strictObject(pageQuery) },
    response: { status: 200, body: pageOf(slaPolicySchema), description: "A page of policies" },
  }),
  route({
    operationId: "getSlaPolicy",
    method: "GET",
    path: "/sla-policies/{slaPolicyId}",
    function: "tickets",
    summary: "Get an SLA policy",
    roles: READERS,
    request: { params: slaPolicyParams },
    response: {
      status: 200,
      body: slaPolicySchema,
      description: "The policy; its ETag is its version",
    },
    errors: [404],
  }),
  route({
    operationId: "updateSlaPolicy",
    method: "PATCH",
    path: "/sla-policies/{slaPolicyId}",
    function: "tickets",
    summary: "Change an SLA policy; tickets created before keep the targets they were given",
    roles: ADMINS,
    request: { params: slaPolicyParams, body: updateSlaPolicyBody },
    response: { status: 200, body: slaPolicySchema, description: "The updated policy" },
    conditional: true,
    errors: [404, 409, 412],
  }),
  route({
    operationId: "deleteSlaPolicy",
    method: "DELETE",
    path: "/sla-policies/{slaPolicyId}",
    function: "tickets",
    summary: "Delete an SLA policy; tickets it was applied to keep their clocks",
    roles: ADMINS,
    request: { params: slaPolicyParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 412],
  }),
] as const;
