import * as z from "zod/mini";

/**
 * How a ticket is classified: its priority and its channel, the two things an SLA policy's
 * targets depend on (besides the team). Kept apart from the ticket schema so that SLA policies
 * can use them without depending on tickets.
 *
 * Ticket priorities, lowest first. Their order is what queues sort by (`priorityRank`) and what
 * an escalation climbs (`raisedPriority`); SLA policies set one pair of targets per priority.
 */
export const TICKET_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const ticketPriority = z.enum(TICKET_PRIORITIES);

/** Urgent first: `1` for urgent … `4` for low, one digit so that it sorts as a string. */
export const priorityRank = (priority: TicketPriority): string =>
  String(TICKET_PRIORITIES.length - TICKET_PRIORITIES.indexOf(priority));

/** One level up (an escalation); urgent stays urgent. */
export const raisedPriority = (priority: TicketPriority): TicketPriority =>
  TICKET_PRIORITIES[
    Math.min(TICKET_PRIORITIES.indexOf(priority) + 1, TICKET_PRIORITIES.length - 1)
  ] ?? priority;

/** The channels a ticket can come in by; an SLA policy may apply to one of them only. */
export const TICKET_CHANNELS = ["email", "phone", "web", "chat", "social"] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const ticketChannel = z.enum(TICKET_CHANNELS);
