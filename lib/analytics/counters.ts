import * as z from "zod/mini";
import type { Envelope } from "#events/envelope";
import type { Fact } from "#lib/analytics/increments";
import { secondsBetween } from "#lib/analytics/increments";
import {
  ActivityEvents,
  ContactEvents,
  DealEvents,
  LeadEvents,
  TicketEvents,
} from "#lib/events/detail-types";

/**
 * What analytics counts, declared once: each declaration maps an event or a record to facts
 * (`increments.ts`), and the recorder (`recorder.ts`) turns facts into counter increments. Adding
 * a metric is adding a declaration here (and its definition in `metrics.ts`); nothing else in the
 * recorder, the rollup or the rule changes.
 *
 * Two kinds:
 * - **event counters** count what happened: one event, its facts, counted once and never
 *   revisited (a contact created, a lead qualified);
 * - **record counters** count what a record is: its facts follow its current state. Every event
 *   of the entity carries the record (`data`, null once deleted), the recorder keeps the facts
 *   it last counted for the record, and applies the difference. A deal reopened after it was won
 *   leaves the won counter of its close day; an activity moved to another day moves with it; a
 *   deleted record's facts are taken back. Events that arrive late or out of order are ordered by
 *   the record's version, so the counters always follow the latest state.
 *
 * The schemas below read only the fields a declaration needs (zod objects ignore the rest), so
 * the recorder does not depend on every field of every entity.
 */
export interface EventCounter {
  readonly detailType: string;
  readonly factsOf: (envelope: Envelope) => readonly Fact[];
}

export interface RecordCounter {
  /** The `entity` of the envelope, and the state's key. */
  readonly entity: string;
  readonly detailTypes: readonly string[];
  /** The facts of the record as it is now; the record is `data` of any of its events. */
  readonly factsOf: (record: unknown) => readonly Fact[];
}

const onEvent =
  <S extends z.ZodMiniType>(schema: S, facts: (data: z.output<S>, envelope: Envelope) => Fact[]) =>
  (envelope: Envelope): Fact[] =>
    facts(schema.parse(envelope.data), envelope);

const ofRecord =
  <S extends z.ZodMiniType>(schema: S, facts: (record: z.output<S>) => Fact[]) =>
  (record: unknown): Fact[] =>
    facts(schema.parse(record));

// Contacts -------------------------------------------------------------------------------------

export const contactFacts = z.object({
  createdAt: z.string(),
  ownerId: z.optional(z.string()),
});

export const contactCreatedFacts = (contact: z.output<typeof contactFacts>): Fact[] => [
  {
    metric: "contacts.created",
    at: contact.createdAt,
    dimensions: { owner: contact.ownerId },
    measures: { count: 1 },
  },
];

// Leads ----------------------------------------------------------------------------------------

export const leadFacts = z.object({
  source: z.string(),
  createdAt: z.string(),
  conversion: z.optional(z.object({ convertedAt: z.string() })),
});
type LeadFacts = z.output<typeof leadFacts>;

export const leadCreatedFacts = (lead: LeadFacts): Fact[] => [
  {
    metric: "leads.created",
    at: lead.createdAt,
    dimensions: { source: lead.source },
    measures: { count: 1 },
  },
];

const leadQualifiedFacts = (lead: LeadFacts, at: string): Fact[] => [
  { metric: "leads.qualified", at, dimensions: { source: lead.source }, measures: { count: 1 } },
];

export const leadConvertedFacts = (lead: LeadFacts, fallbackAt: string): Fact[] => [
  {
    metric: "leads.converted",
    at: lead.conversion?.convertedAt ?? fallbackAt,
    dimensions: { source: lead.source },
    measures: { count: 1 },
  },
];

// Deals ----------------------------------------------------------------------------------------

export const dealFacts = z.object({
  amount: z.number(),
  currency: z.string(),
  pipelineId: z.string(),
  stageId: z.string(),
  status: z.enum(["open", "won", "lost"]),
  ownerId: z.string(),
  createdAt: z.string(),
  stageEnteredAt: z.string(),
  closedAt: z.optional(z.string()),
});

/**
 * A deal counts as created on its creation day with its current amount; as won or lost on the
 * day it closed (`closedAt`, the business time, not the time the event was delivered), with the
 * sales cycle from creation to close; and, while open, in the open pipeline of its stage.
 */
export const dealStateFacts = (deal: z.output<typeof dealFacts>): Fact[] => {
  const dimensions = { owner: deal.ownerId, pipeline: deal.pipelineId };
  const money = { [`amount.${deal.currency}`]: deal.amount };
  const facts: Fact[] = [
    { metric: "deals.created", at: deal.createdAt, dimensions, measures: { count: 1, ...money } },
  ];
  if (deal.status === "open") {
    facts.push({
      gauge: "pipeline.open",
      position: [deal.pipelineId, deal.stageId],
      measures: { count: 1, ...money },
    });
  } else {
    const closedAt = deal.closedAt ?? deal.stageEnteredAt;
    facts.push({
      metric: deal.status === "won" ? "deals.won" : "deals.lost",
      at: closedAt,
      dimensions,
      measures: { count: 1, ...money, cycleSeconds: secondsBetween(deal.createdAt, closedAt) },
    });
  }
  return facts;
};

// Activities -----------------------------------------------------------------------------------

export const activityFacts = z.object({
  type: z.string(),
  occurredAt: z.string(),
  ownerId: z.optional(z.string()),
});

/** An activity counts on the day it occurred (its business time), by type and owner. */
export const activityStateFacts = (activity: z.output<typeof activityFacts>): Fact[] => [
  {
    metric: "activities.logged",
    at: activity.occurredAt,
    dimensions: { owner: activity.ownerId },
    measures: { count: 1, [`count.${activity.type}`]: 1 },
  },
];

// Tickets --------------------------------------------------------------------------------------

const slaClockFacts = z.object({
  state: z.string(),
  deadline: z.optional(z.string()),
  stoppedAt: z.optional(z.string()),
});

export const ticketFacts = z.object({
  createdAt: z.string(),
  teamId: z.optional(z.string()),
  assigneeId: z.optional(z.string()),
  firstRespondedAt: z.optional(z.string()),
  solvedAt: z.optional(z.string()),
  solvedBy: z.optional(z.string()),
  sla: z.optional(z.object({ firstResponse: slaClockFacts, resolution: slaClockFacts })),
  satisfaction: z.optional(z.object({ rating: z.number(), receivedAt: z.string() })),
});

const SLA_CLOCKS = ["firstResponse", "resolution"] as const;

/**
 * A ticket counts as opened on its creation day; as solved on the day it was solved, with the
 * time from creation (a reopened ticket is no longer solved, so it leaves that day); its first
 * agent response on the day of the response; and each SLA target once decided: met on the day
 * its clock stopped in time, breached on the day it was marked breached (by the SLA check at the
 * deadline, or by a late answer). Times are wall-clock; the SLA clocks count business time.
 * Its satisfaction rating (`ticket.csat_received`) counts on the day it was received; a ticket
 * solved and rated again keeps its latest rating only.
 */
export const ticketStateFacts = (ticket: z.output<typeof ticketFacts>): Fact[] => {
  const team = { team: ticket.teamId };
  const facts: Fact[] = [
    { metric: "tickets.opened", at: ticket.createdAt, dimensions: team, measures: { count: 1 } },
  ];
  if (ticket.solvedAt) {
    facts.push({
      metric: "tickets.solved",
      at: ticket.solvedAt,
      dimensions: { ...team, owner: ticket.assigneeId ?? ticket.solvedBy },
      measures: { count: 1, resolutionSeconds: secondsBetween(ticket.createdAt, ticket.solvedAt) },
    });
  }
  if (ticket.firstRespondedAt) {
    facts.push({
      metric: "tickets.first_response",
      at: ticket.firstRespondedAt,
      dimensions: team,
      measures: { count: 1, seconds: secondsBetween(ticket.createdAt, ticket.firstRespondedAt) },
    });
  }
  for (const target of SLA_CLOCKS) {
    const clock = ticket.sla?.[target];
    if (clock?.state === "met" && clock.stoppedAt) {
      facts.push({
        metric: "tickets.sla",
        at: clock.stoppedAt,
        dimensions: team,
        measures: { met: 1, [`${target}.met`]: 1 },
      });
    }
    // The SLA check stamps the breach when it marks it (at the deadline); a late answer, when it
    // comes. A breached clock keeps no deadline.
    const breachedAt = clock?.stoppedAt ?? clock?.deadline;
    if (clock?.state === "breached" && breachedAt) {
      facts.push({
        metric: "tickets.sla",
        at: breachedAt,
        dimensions: team,
        measures: { breached: 1, [`${target}.breached`]: 1 },
      });
    }
  }
  if (ticket.satisfaction) {
    const { rating, receivedAt } = ticket.satisfaction;
    facts.push({
      metric: "csat.received",
      at: receivedAt,
      dimensions: team,
      measures: { count: 1, sum: rating, [`count.${rating}`]: 1 },
    });
  }
  return facts;
};

// The declarations -----------------------------------------------------------------------------

export const eventCounters: readonly EventCounter[] = [
  { detailType: ContactEvents.Created, factsOf: onEvent(contactFacts, contactCreatedFacts) },
  { detailType: LeadEvents.Created, factsOf: onEvent(leadFacts, leadCreatedFacts) },
  {
    detailType: LeadEvents.Qualified,
    factsOf: onEvent(leadFacts, (lead, envelope) => leadQualifiedFacts(lead, envelope.occurredAt)),
  },
  {
    detailType: LeadEvents.Converted,
    factsOf: onEvent(leadFacts, (lead, envelope) => leadConvertedFacts(lead, envelope.occurredAt)),
  },
];

export const recordCounters: readonly RecordCounter[] = [
  {
    entity: "deal",
    detailTypes: Object.values(DealEvents),
    factsOf: ofRecord(dealFacts, dealStateFacts),
  },
  {
    entity: "activity",
    detailTypes: Object.values(ActivityEvents),
    factsOf: ofRecord(activityFacts, activityStateFacts),
  },
  {
    entity: "ticket",
    detailTypes: Object.values(TicketEvents),
    factsOf: ofRecord(ticketFacts, ticketStateFacts),
  },
];

/** Every detail-type analytics counts: the pattern of its rule. */
export const countedDetailTypes = (): string[] => [
  ...new Set([
    ...eventCounters.map((c) => c.detailType),
    ...recordCounters.flatMap((c) => c.detailTypes),
  ]),
];
