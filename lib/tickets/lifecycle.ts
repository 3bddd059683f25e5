import type { CustomFieldValues } from "#lib/custom-fields/values-schema";
import { splitDetailType, TicketEvents } from "#lib/events/detail-types";
import { applyPatch, stamp } from "#lib/records/mutate";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import type {
  CreateTicket,
  ReplyAuthor,
  ReplyVisibility,
  Ticket,
  TicketStatus,
  UpdateTicket,
} from "#lib/tickets/schema";
import {
  pauseSla,
  reopenSla,
  resumeSla,
  retargetSla,
  startSla,
  stopSla,
  stopSlaTarget,
} from "#lib/tickets/sla-state";
import { checkTransition, ticketClosed } from "#lib/tickets/transitions";

/**
 * The rules of a ticket's life, as pure functions of (ticket, change, actor, now): what a new
 * ticket looks like, what a PATCH or a status move does (to the status stamps and to the SLA
 * clocks), and what a reply changes. The service reads and writes; everything is decided here.
 */

/** The verbs of ticket changes other than `created`, `updated` and `deleted`. */
export const TicketVerbs = {
  Replied: splitDetailType(TicketEvents.Replied).verb,
  Solved: splitDetailType(TicketEvents.Solved).verb,
  SlaWarning: splitDetailType(TicketEvents.SlaWarning).verb,
  SlaBreached: splitDetailType(TicketEvents.SlaBreached).verb,
  Escalated: splitDetailType(TicketEvents.Escalated).verb,
} as const;

export interface TicketChange {
  readonly ticket: Ticket;
  readonly changeVerb?: string;
}

/** A new ticket (`new`), with the SLA clocks of `policy` running from `now` when one matched. */
export const newTicket = (
  id: string,
  input: CreateTicket,
  customFields: CustomFieldValues,
  actor: string,
  now: Date,
  policy: SlaPolicy | undefined,
): Ticket => {
  const at = now.toISOString();
  return {
    ...input,
    id,
    customFields,
    status: "new",
    ...(policy ? { sla: startSla(policy, input.priority, now) } : {}),
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: actor,
    updatedBy: actor,
  };
};

/**
 * Moves the ticket to `to` (checked against the transition table) and does to its SLA what the
 * move means: `pending` pauses the clocks and leaving it resumes them; `solved` stops them and
 * records who and when; reopening a solved ticket runs its resolution clock again; `closed`
 * records who and when. `on_hold` leaves the clocks running.
 */
export const moveTo = (
  ticket: Ticket,
  to: TicketStatus,
  actor: string,
  now: Date,
): TicketChange => {
  checkTransition(ticket, to);
  if (to === ticket.status) return { ticket };
  const from = ticket.status;
  const at = now.toISOString();
  let sla = ticket.sla;
  if (sla && from === "pending") sla = resumeSla(sla, now);
  if (sla && to === "pending") sla = pauseSla(sla, now);
  if (sla && to === "solved") sla = stopSla(sla, now);
  if (sla && from === "solved" && to === "open") sla = reopenSla(sla, now);
  const moved = { ...ticket, status: to, ...(sla ? { sla } : {}) };
  switch (to) {
    case "solved":
      return {
        ticket: { ...moved, solvedAt: at, solvedBy: actor },
        changeVerb: TicketVerbs.Solved,
      };
    case "closed":
      return { ticket: { ...moved, closedAt: at, closedBy: actor } };
    default:
      return {
        ticket: from === "solved" ? applyPatch(moved, { solvedAt: null, solvedBy: null }) : moved,
      };
  }
};

/**
 * The ticket after a PATCH by `actor` (custom fields already validated and merged by the
 * caller): fields applied (`null` clears), a new priority retargets the clocks, a status moves
 * along the transitions, and the version is stamped. Nothing changes on a closed ticket.
 */
export const patchTicket = (
  before: Ticket,
  patch: Omit<UpdateTicket, "customFields">,
  customFields: CustomFieldValues,
  actor: string,
  now: Date,
): TicketChange => {
  if (before.status === "closed") throw ticketClosed(before);
  const { status, ...fields } = patch;
  let ticket: Ticket = { ...applyPatch(before, fields), customFields };
  if (ticket.sla && ticket.priority !== before.priority) {
    ticket = { ...ticket, sla: retargetSla(ticket.sla, ticket.priority, now) };
  }
  const moved = status === undefined ? { ticket } : moveTo(ticket, status, actor, now);
  return {
    ticket: stamp(moved.ticket, actor, now),
    ...(moved.changeVerb ? { changeVerb: moved.changeVerb } : {}),
  };
};

export interface Reply {
  readonly activityId: string;
  readonly visibility: ReplyVisibility;
  readonly author: ReplyAuthor;
}

/**
 * The ticket after a reply or an internal note (the reply itself is an activity on the ticket's
 * and the requester's timelines). An agent's first public reply stamps `firstRespondedAt` and
 * stops the first-response clock, and opens a `new` ticket. A requester's reply to a ticket that
 * was waiting on them (`pending`) or solved opens it again, and its clocks run again. Internal
 * notes change nothing but `lastReply`. A closed ticket takes no reply.
 */
export const applyReply = (
  before: Ticket,
  reply: Reply,
  actor: string,
  now: Date,
): TicketChange => {
  if (before.status === "closed") throw ticketClosed(before);
  const at = now.toISOString();
  let ticket: Ticket = { ...before, lastReply: { ...reply, at, by: actor } };
  if (reply.visibility === "public" && reply.author === "agent") {
    if (!ticket.firstRespondedAt) {
      ticket = {
        ...ticket,
        firstRespondedAt: at,
        ...(ticket.sla ? { sla: stopSlaTarget(ticket.sla, "firstResponse", now) } : {}),
      };
    }
    if (ticket.status === "new") ticket = moveTo(ticket, "open", actor, now).ticket;
  }
  if (reply.author === "requester" && (ticket.status === "pending" || ticket.status === "solved")) {
    ticket = moveTo(ticket, "open", actor, now).ticket;
  }
  return { ticket: stamp(ticket, actor, now), changeVerb: TicketVerbs.Replied };
};
