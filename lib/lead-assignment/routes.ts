import { ADMINS, READERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { assignmentConfigBody, assignmentConfigSchema } from "#lib/lead-assignment/schema";

/** The assignment rules and teams, one versioned document; served by the leads function. */
export const leadAssignmentRoutes = [
  route({
    operationId: "getLeadAssignment",
    method: "GET",
    path: "/lead-assignment",
    function: "leads",
    summary: "Get the lead assignment rules and teams",
    roles: READERS,
    request: {},
    response: {
      status: 200,
      body: assignmentConfigSchema,
      description: "The rules, in evaluation order, and the teams; the ETag is the version",
    },
  }),
  route({
    operationId: "putLeadAssignment",
    method: "PUT",
    path: "/lead-assignment",
    function: "leads",
    summary: "Replace the lead assignment rules and teams",
    roles: ADMINS,
    request: { body: assignmentConfigBody },
    response: {
      status: 200,
      body: assignmentConfigSchema,
      description: "The saved configuration with its new version",
    },
    conditional: true,
  }),
] as const;
