import { httpFunction } from "#lib/http/http-function";
import { idempotency } from "#lib/http/middleware/idempotency";
import { created, noContent, ok, page } from "#lib/http/response";
import { slaPolicyRoutes } from "#lib/sla-policies/routes";
import * as policies from "#lib/sla-policies/service";
import { ticketRoutes } from "#lib/tickets/routes";
import * as tickets from "#lib/tickets/service";

/** The support capability: tickets and their replies, and the SLA policies they are held to. */
export const handler = httpFunction(
  [...ticketRoutes, ...slaPolicyRoutes],
  {
    createTicket: async ({ body, principal }) => {
      const ticket = await tickets.createTicket(body, principal);
      return created(ticket, `/tickets/${ticket.id}`);
    },
    listTickets: async ({ query, principal }) => page(await tickets.listTickets(query, principal)),
    getTicket: async ({ params }) => ok(await tickets.getTicket(params.ticketId)),
    updateTicket: async ({ params, body, expectedVersion, principal }) =>
      ok(await tickets.updateTicket(params.ticketId, body, expectedVersion, principal)),
    deleteTicket: async ({ params, expectedVersion, principal }) => {
      await tickets.deleteTicket(params.ticketId, expectedVersion, principal);
      return noContent();
    },
    replyToTicket: async ({ params, body, principal }) => {
      const result = await tickets.replyToTicket(params.ticketId, body, principal);
      // The reply is the created resource; the body also carries the ticket after it.
      return { status: 201, body: result, headers: { location: `/activities/${result.reply.id}` } };
    },
    createSlaPolicy: async ({ body, principal }) => {
      const policy = await policies.createSlaPolicy(body, principal);
      return created(policy, `/sla-policies/${policy.id}`);
    },
    listSlaPolicies: async ({ query }) => page(await policies.listSlaPolicies(query)),
    getSlaPolicy: async ({ params }) => ok(await policies.getSlaPolicy(params.slaPolicyId)),
    updateSlaPolicy: async ({ params, body, expectedVersion, principal }) =>
      ok(await policies.updateSlaPolicy(params.slaPolicyId, body, expectedVersion, principal)),
    deleteSlaPolicy: async ({ params, expectedVersion, principal }) => {
      await policies.deleteSlaPolicy(params.slaPolicyId, expectedVersion, principal);
      return noContent();
    },
  },
  { idempotency: idempotency() },
);
