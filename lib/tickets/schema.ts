import * as z from "zod/mini";
import { activitySchema } from "#lib/activities/schema";
import { companyId, contactId } from "#lib/contacts/schema";
import { ticketSatisfactionSchema } from "#lib/csat/schema";
import { customFieldPatch, customFieldValues } from "#lib/custom-fields/values-schema";
import { engagementSchema } from "#lib/engagement/schema";
import { teamId } from "#lib/lead-assignment/schema";
import { idOf, pageQuery, recordMeta, tags, userId } from "#lib/records/common-schema";
import { storedCalendar, storedTargets } from "#lib/sla-policies/schema";
import { ticketChannel, ticketPriority } from "#lib/tickets/classification";
import { SLA_TARGETS } from "#lib/tickets/sla-state";

/**
 * Support tickets: a requester (a contact) asks for help by some channel; agents answer with
 * public replies and talk among themselves in internal notes; the status follows the allowed
 * moves of `transitions.ts`; and the SLA policy that matched the ticket when it was created runs
 * two clocks on it (first response, resolution), kept in `sla` (see `sla-state.ts`).
 */
export const TICKET_STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const ticketStatus = z.enum(TICKET_STATUSES);

export const REPLY_VISIBILITIES = ["public", "internal"] as const;
export type ReplyVisibility = (typeof REPLY_VISIBILITIES)[number];
/** Who wrote a reply: an agent (the caller), or the requester (relayed by an integration). */
export const REPLY_AUTHORS = ["agent", "requester"] as const;
export type ReplyAuthor = (typeof REPLY_AUTHORS)[number];

export const ticketId = idOf("tkt");

const subject = z.string().check(z.trim(), z.minLength(1), z.maxLength(300));
const description = z.string().check(z.trim(), z.minLength(1), z.maxLength(20_000));

export const createTicketBody = z.strictObject({
  subject,
  description: z.optional(description),
  /** The contact who asked; must exist (a 422 otherwise). */
  requesterId: contactId,
  companyId: z.optional(companyId),
  channel: z._default(ticketChannel, "web"),
  priority: z._default(ticketPriority, "normal"),
  assigneeId: z.optional(userId),
  teamId: z.optional(teamId),
  tags: z._default(tags, []),
  customFields: z._default(customFieldValues, {}),
});

/**
 * PATCH: every field optional; `null` clears an optional one. `status` moves the ticket along the
 * allowed transitions; `priority` gives its running SLA clocks the new priority's targets.
 */
export const updateTicketBody = z
  .strictObject({
    subject: z.optional(subject),
    description: z.optional(z.nullable(description)),
    requesterId: z.optional(contactId),
    companyId: z.optional(z.nullable(companyId)),
    channel: z.optional(ticketChannel),
    priority: z.optional(ticketPriority),
    status: z.optional(ticketStatus),
    assigneeId: z.optional(z.nullable(userId)),
    teamId: z.optional(z.nullable(teamId)),
    tags: z.optional(tags),
    customFields: z.optional(customFieldPatch),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, "The patch changes nothing"));

/**
 * `POST /tickets/{ticketId}/replies`. `visibility` has no default, so that an internal note is
 * never sent to the customer by omission. A requester's reply (relayed by an integration) is
 * always public.
 */
export const replyBody = z
  .strictObject({
    body: z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000)),
    visibility: z.enum(REPLY_VISIBILITIES),
    author: z._default(z.enum(REPLY_AUTHORS), "agent"),
  })
  .check(
    z.refine((reply) => reply.author === "agent" || reply.visibility === "public", {
      message: "A requester's reply is public",
      path: ["visibility"],
    }),
  );

const slaClockState = z.enum(["running", "paused", "met", "breached"]);

/**
 * One SLA clock as the ticket stores it: the `SlaClock` of `lib/sla/clock.ts`, plus what the SLA
 * check did about it (`warnedAt`: the warning was sent; `escalationDue`: breached by the check
 * and not escalated yet; `escalatedAt`: escalated). Those marks make the check idempotent.
 */
export const ticketSlaClockSchema = z.object({
  targetSeconds: z.int(),
  state: slaClockState,
  consumedSeconds: z.int(),
  runningSince: z.optional(z.string()),
  deadline: z.optional(z.string()),
  warnAt: z.optional(z.string()),
  stoppedAt: z.optional(z.string()),
  elapsedSeconds: z.optional(z.int()),
  warnedAt: z.optional(z.string()),
  escalationDue: z.optional(z.boolean()),
  escalatedAt: z.optional(z.string()),
});

/** What the last SLA event of the ticket was about: `ticket.sla_breached` names its target here. */
export const slaNoticeSchema = z.object({
  kind: z.enum(["sla_warning", "sla_breached", "escalated"]),
  targets: z.array(z.enum(SLA_TARGETS)),
  at: z.string(),
});

/**
 * The ticket's SLA: a snapshot of the policy applied when the ticket was created (its targets
 * for every priority, its calendar and warning fraction, and which version it was), and the two
 * clocks. Later edits of the policy do not move the clocks of tickets already running.
 */
export const ticketSlaSchema = z.object({
  policyId: z.string(),
  policyVersion: z.int(),
  targets: storedTargets,
  calendar: storedCalendar,
  warningFraction: z.number(),
  firstResponse: ticketSlaClockSchema,
  resolution: ticketSlaClockSchema,
  lastNotice: z.optional(slaNoticeSchema),
});

/** The last reply or note: what `ticket.replied` is about. The reply itself is an activity. */
export const lastReplySchema = z.object({
  activityId: z.string(),
  visibility: z.enum(REPLY_VISIBILITIES),
  author: z.enum(REPLY_AUTHORS),
  at: z.string(),
  by: z.string(),
});

export const ticketSchema = z.object({
  id: ticketId,
  subject: z.string(),
  description: z.optional(z.string()),
  requesterId: z.string(),
  companyId: z.optional(z.string()),
  channel: ticketChannel,
  priority: ticketPriority,
  status: ticketStatus,
  assigneeId: z.optional(z.string()),
  teamId: z.optional(z.string()),
  tags: z.array(z.string()),
  customFields: customFieldValues,
  /** The first public reply of an agent. */
  firstRespondedAt: z.optional(z.string()),
  solvedAt: z.optional(z.string()),
  solvedBy: z.optional(z.string()),
  closedAt: z.optional(z.string()),
  closedBy: z.optional(z.string()),
  lastReply: z.optional(lastReplySchema),
  /** Absent when no SLA policy matched the ticket. */
  sla: z.optional(ticketSlaSchema),
  /** The requester's answer to the satisfaction survey (lib/csat), once they answered. */
  satisfaction: z.optional(ticketSatisfactionSchema),
  ...recordMeta,
});

/**
 * One target's state as of the response (`asOf`), computed when the ticket is read: the time
 * remaining moves with the clock, so it is never stored. A running clock whose deadline has
 * passed reads `breached` even before the SLA check marks it.
 */
export const slaTargetStatusSchema = z.object({
  state: slaClockState,
  targetSeconds: z.int(),
  deadline: z.optional(z.string()),
  warnAt: z.optional(z.string()),
  /** Business seconds left; negative once overdue; 0 when the clock has stopped. */
  remainingSeconds: z.int(),
  stoppedAt: z.optional(z.string()),
  elapsedSeconds: z.optional(z.int()),
});

export const slaStatusSchema = z.object({
  asOf: z.string(),
  policyId: z.string(),
  firstResponse: slaTargetStatusSchema,
  resolution: slaTargetStatusSchema,
});

/** A ticket as the API returns it: the record, with its SLA status as of the response. */
export const ticketViewSchema = z.extend(ticketSchema, {
  slaStatus: z.optional(slaStatusSchema),
});

/** `GET /tickets/{id}`: also its engagement, derived from the activities on its timeline. */
export const ticketDetailSchema = z.extend(ticketViewSchema, { engagement: engagementSchema });

export const replyResultSchema = z.object({ reply: activitySchema, ticket: ticketViewSchema });

export const ticketParams = z.strictObject({ ticketId });

/**
 * `GET /tickets`: at most one view. None: every unsolved ticket (the queue); `assigneeId` (`me`
 * for the caller) or `teamId`: that assignee's or team's unsolved tickets; all three ordered by
 * priority (urgent first), then by the next SLA deadline. `requesterId`: every ticket of that
 * contact, newest first.
 */
export const listTicketsQuery = z.strictObject({
  ...pageQuery,
  assigneeId: z.optional(userId),
  teamId: z.optional(teamId),
  requesterId: z.optional(contactId),
});

export type Ticket = z.infer<typeof ticketSchema>;
export type TicketSla = z.infer<typeof ticketSlaSchema>;
export type TicketSlaClock = z.infer<typeof ticketSlaClockSchema>;
export type SlaNotice = z.infer<typeof slaNoticeSchema>;
export type SlaStatus = z.infer<typeof slaStatusSchema>;
export type TicketView = z.infer<typeof ticketViewSchema>;
export type TicketDetail = z.infer<typeof ticketDetailSchema>;
export type CreateTicket = z.output<typeof createTicketBody>;
export type UpdateTicket = z.output<typeof updateTicketBody>;
export type ReplyInput = z.output<typeof replyBody>;
export type ListTicketsQuery = z.output<typeof listTicketsQuery>;

/** `ticket.replied`: the reply it announces is `lastReply`. */
export const repliedTicketSchema = z.extend(ticketSchema, { lastReply: lastReplySchema });

/** `ticket.sla_warning`, `ticket.sla_breached`, `ticket.escalated`: `sla.lastNotice` says which. */
export const slaNoticedTicketSchema = z.extend(ticketSchema, {
  sla: z.extend(ticketSlaSchema, { lastNotice: slaNoticeSchema }),
});
