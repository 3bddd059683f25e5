import { DomainError } from "#lib/errors/domain-error";
import type { Ticket, TicketStatus } from "#lib/tickets/schema";

/**
 * Which status a ticket may move to from each status; staying put is always allowed.
 *
 * - `new` is only where a ticket starts: nothing moves back to it.
 * - `pending` (waiting on the requester) pauses the SLA clocks; `on_hold` (waiting on a third
 *   party) does not: the requester is still waiting on us.
 * - `solved` can be reopened (`open`) or closed; `closed` is final and read-only.
 */
export const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ["open", "pending", "on_hold", "solved"],
  open: ["pending", "on_hold", "solved"],
  pending: ["open", "on_hold", "solved"],
  on_hold: ["open", "pending", "solved"],
  solved: ["open", "closed"],
  closed: [],
};

/** Still being worked: on the queues, with SLA clocks that may run. */
export const isUnsolved = (status: TicketStatus): boolean =>
  status !== "solved" && status !== "closed";

export const canMove = (from: TicketStatus, to: TicketStatus): boolean =>
  from === to || TRANSITIONS[from].includes(to);

/** Any write to a closed ticket. */
export const ticketClosed = (ticket: Pick<Ticket, "id">) =>
  new DomainError(
    "conflict",
    "ticket.closed",
    `The ticket ${ticket.id} is closed and cannot change; open a new ticket instead.`,
    { id: ticket.id },
  );

export const invalidTransition = (ticket: Pick<Ticket, "id" | "status">, to: TicketStatus) => {
  const allowed = TRANSITIONS[ticket.status];
  return new DomainError(
    "conflict",
    "ticket.invalid_transition",
    `A ${ticket.status} ticket cannot become ${to}; from ${ticket.status} it can become ${allowed.join(", ")}.`,
    { id: ticket.id, from: ticket.status, to, allowed },
  );
};

/** Refuses a move the table does not allow, and any move of a closed ticket. */
export const checkTransition = (ticket: Pick<Ticket, "id" | "status">, to: TicketStatus): void => {
  if (ticket.status === "closed") throw ticketClosed(ticket);
  if (!canMove(ticket.status, to)) throw invalidTransition(ticket, to);
};
