import { ADMINS, READERS, WRITERS } from "#lib/auth/roles";
import { route } from "#lib/http/route";
import { pageOf } from "#lib/records/common-schema";
import {
  createTicketBody,
  listTicketsQuery,
  replyBody,
  replyResultSchema,
  ticketDetailSchema,
  ticketParams,
  ticketViewSchema,
  updateTicketBody,
} from "#lib/tickets/schema";

export const ticketRoutes = [
  route({
    operationId: "createTicket",
    method: "POST",
    path: "/tickets",
    function: "tickets",
    summary: "Open a ticket for a requester; the matching SLA policy starts its clocks",
    roles: WRITERS,
    request: { body: createTicketBody },
    response: { status: 201, body: ticketViewSchema, description: "The created ticket" },
    idempotent: true,
    errors: [422],
  }),
  route({
    operationId: "listTickets",
    method: "GET",
    path: "/tickets",
    function: "tickets",
    summary:
      "Ticket views: the unsolved queue (by priority, then SLA deadline), an assignee's or a team's queue, or a requester's tickets",
    roles: READERS,
    request: { query: listTicketsQuery },
    response: { status: 200, body: pageOf(ticketViewSchema), description: "A page of tickets" },
  }),
  route({
    operationId: "getTicket",
    method: "GET",
    path: "/tickets/{ticketId}",
    function: "tickets",
    summary: "Get a ticket with its SLA status (deadlines, time remaining, met or breached)",
    roles: READERS,
    request: { params: ticketParams },
    response: {
      status: 200,
      body: ticketDetailSchema,
      description:
        "The ticket, its SLA status as of now and its engagement; its ETag is its version",
    },
    errors: [404],
  }),
  route({
    operationId: "updateTicket",
    method: "PATCH",
    path: "/tickets/{ticketId}",
    function: "tickets",
    summary:
      "Change some fields of a ticket, or move its status along the allowed transitions; a closed ticket is read-only",
    roles: WRITERS,
    request: { params: ticketParams, body: updateTicketBody },
    response: { status: 200, body: ticketViewSchema, description: "The updated ticket" },
    conditional: true,
    errors: [404, 409, 412, 422],
  }),
  route({
    operationId: "deleteTicket",
    method: "DELETE",
    path: "/tickets/{ticketId}",
    function: "tickets",
    summary: "Delete a ticket (its replies stay on the requester's timeline)",
    roles: ADMINS,
    request: { params: ticketParams },
    response: { status: 204, description: "Deleted" },
    conditional: true,
    errors: [404, 412],
  }),
  route({
    operationId: "replyToTicket",
    method: "POST",
    path: "/tickets/{ticketId}/replies",
    function: "tickets",
    summary:
      "Reply to the requester (public) or add an internal note; it goes on the ticket's and the requester's timelines",
    roles: WRITERS,
    request: { params: ticketParams, body: replyBody },
    response: {
      status: 201,
      body: replyResultSchema,
      description: "The reply (an activity) and the ticket after it",
    },
    idempotent: true,
    errors: [404, 409],
  }),
] as const;
