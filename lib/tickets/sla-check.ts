import { getRecord } from "#lib/db/record-store";
import { DomainError } from "#lib/errors/domain-error";
import { SYSTEM_ACTOR } from "#lib/events/change-events";
import { mutateRecord, stamp } from "#lib/records/mutate";
import { slaPolicyModel } from "#lib/sla-policies/keys";
import { ticketModel } from "#lib/tickets/keys";
import { TicketVerbs } from "#lib/tickets/lifecycle";
import type { Ticket } from "#lib/tickets/schema";
import { applySlaStep, nextSlaStep, nextTimerAt, type SlaStep } from "#lib/tickets/sla-state";

/** What one SLA check did, and when the next one is due. */
export interface SlaCheckResult {
  /** The ticket after the check; undefined when it no longer exists. */
  readonly ticket: Ticket | undefined;
  /** The steps this call took, in order (empty when there was nothing to do). */
  readonly steps: readonly SlaStep[];
  /**
   * When to check again (`nextTimerAt` of `sla-state.ts`): the earliest pending warning or
   * deadline of a running clock; undefined when no clock runs (solved, closed, paused, no SLA).
   */
  readonly nextTimerAt: string | undefined;
}

const VERBS: Readonly<Record<SlaStep["kind"], string>> = {
  sla_warning: TicketVerbs.SlaWarning,
  sla_breached: TicketVerbs.SlaBreached,
  escalated: TicketVerbs.Escalated,
};

/** Every step there can be: two warnings, two breaches, two escalations, with room to spare. */
const MAX_STEPS = 8;

/** The policy's escalation owner as it is now (people change; the clocks' snapshot does not). */
const escalationOwnerOf = async (policyId: string): Promise<string | undefined> =>
  (await getRecord(slaPolicyModel, policyId))?.escalationOwnerId;

/**
 * The SLA check of one ticket at instant `at`, for the escalation workflow (and anything else
 * that keeps time): it sends each warning whose time came (`ticket.sla_warning`), marks each
 * target whose deadline passed as breached (`ticket.sla_breached`, `sla.lastNotice` naming it),
 * and escalates once for the breaches not escalated yet (`ticket.escalated`: priority one level
 * up, reassigned to the policy's escalation owner). Each step is its own conditional write with
 * its own event, and each leaves a mark on the clock (`warnedAt`, `escalationDue`,
 * `escalatedAt`), so a check interrupted half-way resumes where it stopped, and a second call
 * at the same instant changes nothing. Returns when to check again.
 */
export const checkTicketSla = async (ticketId: string, at: Date): Promise<SlaCheckResult> => {
  const steps: SlaStep[] = [];
  for (let n = 0; n <= MAX_STEPS; n++) {
    let step: SlaStep | undefined;
    let ticket: Ticket;
    try {
      ticket = await mutateRecord(ticketModel, ticketId, undefined, async (before) => {
        step = nextSlaStep(before, at);
        // Nothing (left) to do: the ticket is returned as it is.
        if (!step || !before.sla) return null;
        const owner =
          step.kind === "escalated" ? await escalationOwnerOf(before.sla.policyId) : undefined;
        return {
          after: stamp(applySlaStep({ ...before, sla: before.sla }, step, at, owner), SYSTEM_ACTOR),
          changeVerb: VERBS[step.kind],
        };
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === "ticket.not_found") {
        return { ticket: undefined, steps, nextTimerAt: undefined };
      }
      throw error;
    }
    if (!step || !ticket.sla) return { ticket, steps, nextTimerAt: nextTimerAt(ticket) };
    steps.push(step);
    // Settled by this write: no need to read the ticket again to find nothing left to do. A
    // change that lands meanwhile moves the timer through its own event.
    if (!nextSlaStep(ticket, at)) return { ticket, steps, nextTimerAt: nextTimerAt(ticket) };
  }
  throw new Error(`The SLA check of ${ticketId} did not settle in ${MAX_STEPS} steps`);
};
