import type { BusEvent } from "#events/envelope";
import { TicketEvents } from "#lib/events/detail-types";
import { type Ticket, ticketSchema } from "#lib/tickets/schema";
import { nextTimerAt } from "#lib/tickets/sla-state";

/**
 * What a ticket event means for the ticket's SLA timer, as a pure function of the event: the
 * instant the timer waits for (`nextTimerAt` of lib/tickets/sla-state.ts) before and after the
 * change, compared.
 *
 * - `ticket.created` with a running SLA: a timer starts (generation 1).
 * - `ticket.updated`, `ticket.replied`, `ticket.solved`: the timer moves when the instant
 *   changed (a new priority retargets the clocks; `pending` pauses them and leaving it resumes
 *   them; a first agent reply stops the first-response clock; a requester's reply reopens;
 *   solving or closing stops every clock). Anything else (a tag, a note) leaves it alone.
 * - `ticket.deleted`: the timer goes for good.
 *
 * The SLA check's own events (`sla_warning`, `sla_breached`, `escalated`) are not timer changes:
 * the execution that made them goes on waiting for what its check returned.
 */
export type TimerChange =
  | { readonly kind: "unchanged" }
  | {
      readonly kind: "move";
      readonly ticketId: string;
      /** The ticket version whose change set the timer: it names the execution. */
      readonly generation: number;
      /** When the timer must fire next; undefined when no clock runs (the timer stops). */
      readonly nextAt: string | undefined;
    }
  | { readonly kind: "gone"; readonly ticketId: string };

/** The ticket before the change: the event's `data`, with each changed field's `from`. */
const beforeOf = (
  data: Readonly<Record<string, unknown>>,
  changes: BusEvent["detail"]["changes"],
): Record<string, unknown> => {
  const before: Record<string, unknown> = { ...data };
  for (const [field, change] of Object.entries(changes)) {
    if ("from" in change && change.from !== undefined) before[field] = change.from;
    else delete before[field];
  }
  return before;
};

const TIMER_EVENTS: ReadonlySet<string> = new Set([
  TicketEvents.Updated,
  TicketEvents.Replied,
  TicketEvents.Solved,
]);

export const timerChangeOf = (event: BusEvent): TimerChange => {
  const detailType = event["detail-type"];
  const { detail } = event;
  if (detailType === TicketEvents.Deleted) return { kind: "gone", ticketId: detail.id };
  if (detailType !== TicketEvents.Created && !TIMER_EVENTS.has(detailType)) {
    return { kind: "unchanged" };
  }
  const after: Ticket = ticketSchema.parse(detail.data);
  const nextAt = nextTimerAt(after);
  const previous =
    detailType === TicketEvents.Created
      ? undefined
      : nextTimerAt(
          ticketSchema.parse(beforeOf(detail.data as Record<string, unknown>, detail.changes)),
        );
  if (nextAt === previous) return { kind: "unchanged" };
  return { kind: "move", ticketId: after.id, generation: detail.version, nextAt };
};
