import { ALWAYS_OPEN } from "#lib/sla/business-calendar";
import {
  breachClock,
  pauseClock,
  remainingSeconds,
  resumeClock,
  retargetClock,
  type SlaClock,
  startClock,
  stopClock,
} from "#lib/sla/clock";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import { raisedPriority, type TicketPriority } from "#lib/tickets/classification";
import type { SlaStatus, Ticket, TicketSla, TicketSlaClock } from "#lib/tickets/schema";
import { isUnsolved } from "#lib/tickets/transitions";

/**
 * A ticket's SLA, as pure functions of (SLA, change, instant): starting the clocks from a policy,
 * what each ticket change does to them, what a read shows, and the steps of the SLA check
 * (warn, breach, escalate). The ticket service and the escalation workflow both go through here,
 * so they cannot disagree about a deadline.
 *
 * Every clock transition uses the calendar, targets and warning fraction of the ticket's own
 * snapshot of its policy, never the policy as it is now: editing a policy changes the tickets
 * created after the edit, not the clocks already running.
 */

/**
 * The two targets an SLA policy sets, each with its own clock on the ticket. Declared here, not
 * in the schema, so that the key formats (which sort by deadline) load without the schemas: the
 * linked-record registry imports them, and the schemas import the registry.
 */
export const SLA_TARGETS = ["firstResponse", "resolution"] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

const targetSeconds = (sla: TicketSla, target: SlaTarget, priority: TicketPriority): number =>
  target === "firstResponse"
    ? sla.targets[priority].firstResponseSeconds
    : sla.targets[priority].resolutionSeconds;

/** The SLA check's marks outlive clock transitions; the clock functions know nothing of them. */
const withMarks = (before: TicketSlaClock, after: SlaClock): TicketSlaClock => ({
  ...after,
  ...(before.warnedAt ? { warnedAt: before.warnedAt } : {}),
  ...(before.escalationDue ? { escalationDue: true } : {}),
  ...(before.escalatedAt ? { escalatedAt: before.escalatedAt } : {}),
});

const eachClock = (
  sla: TicketSla,
  change: (clock: TicketSlaClock, target: SlaTarget) => SlaClock,
): TicketSla => ({
  ...sla,
  firstResponse: withMarks(sla.firstResponse, change(sla.firstResponse, "firstResponse")),
  resolution: withMarks(sla.resolution, change(sla.resolution, "resolution")),
});

/** The clocks of a new ticket, both running from `at` on the policy's targets for its priority. */
export const startSla = (policy: SlaPolicy, priority: TicketPriority, at: Date): TicketSla => {
  const calendar = policy.calendar ?? ALWAYS_OPEN;
  const { targets, warningFraction } = policy;
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    targets,
    calendar,
    warningFraction,
    firstResponse: startClock(
      targets[priority].firstResponseSeconds,
      at,
      calendar,
      warningFraction,
    ),
    resolution: startClock(targets[priority].resolutionSeconds, at, calendar, warningFraction),
  };
};

/** The ticket waits on the requester: both clocks stop counting. */
export const pauseSla = (sla: TicketSla, at: Date): TicketSla =>
  eachClock(sla, (clock) => pauseClock(clock, at, sla.calendar));

/** The requester answered (or the ticket left `pending`): the paused clocks count again. */
export const resumeSla = (sla: TicketSla, at: Date): TicketSla =>
  eachClock(sla, (clock) => resumeClock(clock, at, sla.calendar, sla.warningFraction));

/** A new priority: each open clock gets that priority's target, keeping the time it used. */
export const retargetSla = (sla: TicketSla, priority: TicketPriority, at: Date): TicketSla =>
  eachClock(sla, (clock, target) =>
    retargetClock(
      clock,
      targetSeconds(sla, target, priority),
      at,
      sla.calendar,
      sla.warningFraction,
    ),
  );

/** One target reached at `at` (the first public reply): met, or breached if late. */
export const stopSlaTarget = (sla: TicketSla, target: SlaTarget, at: Date): TicketSla => ({
  ...sla,
  [target]: withMarks(sla[target], stopClock(sla[target], at, sla.calendar)),
});

/**
 * Solved: every open clock stops, met or late. A ticket solved without a public reply has its
 * first response stopped too: solving answered the requester.
 */
export const stopSla = (sla: TicketSla, at: Date): TicketSla =>
  eachClock(sla, (clock) => stopClock(clock, at, sla.calendar));

/**
 * Reopened after being solved: the resolution clock goes on from the business time it had used
 * (the time the ticket spent solved does not count); a resolution already breached stays
 * breached. The first response is not measured again.
 */
export const reopenSla = (sla: TicketSla, at: Date): TicketSla => {
  const { resolution } = sla;
  if (resolution.state !== "met") return sla;
  const paused: SlaClock = {
    targetSeconds: resolution.targetSeconds,
    state: "paused",
    consumedSeconds: resolution.elapsedSeconds ?? resolution.consumedSeconds,
  };
  return {
    ...sla,
    resolution: withMarks(resolution, resumeClock(paused, at, sla.calendar, sla.warningFraction)),
  };
};

const isRunning = (clock: TicketSlaClock): clock is TicketSlaClock & { deadline: string } =>
  clock.state === "running" && clock.deadline !== undefined;

/** Whether the clock has a warning still ahead: it sets one, and the SLA check has not sent it. */
const warningAhead = (clock: TicketSlaClock): clock is TicketSlaClock & { warnAt: string } =>
  Boolean(clock.warnAt) && !clock.warnedAt;

/** The earliest deadline of a running clock: what the queues sort by after priority. */
export const nextDeadline = (sla: TicketSla | undefined): string | undefined => {
  if (!sla) return undefined;
  const deadlines = SLA_TARGETS.map((target) => sla[target])
    .filter(isRunning)
    .map((clock) => clock.deadline);
  return deadlines.sort()[0];
};

const targetStatus = (clock: TicketSlaClock, sla: TicketSla, at: Date) => {
  const overdue = isRunning(clock) && at.getTime() >= Date.parse(clock.deadline);
  return {
    state: overdue ? ("breached" as const) : clock.state,
    targetSeconds: clock.targetSeconds,
    ...(clock.deadline ? { deadline: clock.deadline } : {}),
    ...(warningAhead(clock) ? { warnAt: clock.warnAt } : {}),
    remainingSeconds: remainingSeconds(clock, at, sla.calendar),
    ...(clock.stoppedAt ? { stoppedAt: clock.stoppedAt } : {}),
    ...(clock.elapsedSeconds === undefined ? {} : { elapsedSeconds: clock.elapsedSeconds }),
  };
};

/** What a read shows of the SLA at `at`: deadlines, time remaining, and met or breached. */
export const slaStatusAt = (sla: TicketSla, at: Date): SlaStatus => ({
  asOf: at.toISOString(),
  policyId: sla.policyId,
  firstResponse: targetStatus(sla.firstResponse, sla, at),
  resolution: targetStatus(sla.resolution, sla, at),
});

/**
 * One thing the SLA check has to do, announced by its own event: warn about a target, mark one
 * breached, or escalate the ticket for the targets breached since its last escalation.
 */
export type SlaStep =
  | { readonly kind: "sla_warning"; readonly target: SlaTarget }
  | { readonly kind: "sla_breached"; readonly target: SlaTarget }
  | { readonly kind: "escalated"; readonly targets: readonly SlaTarget[] };

/**
 * The next step of the SLA check at `at`, or none when there is nothing left to do. In order:
 * warnings whose time came (for targets not yet overdue: past the deadline the breach says it
 * all), breaches of running clocks past their deadline, then one escalation for every breach not
 * escalated yet. A solved or closed ticket, or one pending with its clocks paused, has none.
 */
export const nextSlaStep = (ticket: Ticket, at: Date): SlaStep | undefined => {
  const { sla } = ticket;
  if (!sla || !isUnsolved(ticket.status)) return undefined;
  const now = at.getTime();
  for (const target of SLA_TARGETS) {
    const clock = sla[target];
    if (
      isRunning(clock) &&
      warningAhead(clock) &&
      now >= Date.parse(clock.warnAt) &&
      now < Date.parse(clock.deadline)
    ) {
      return { kind: "sla_warning", target };
    }
  }
  for (const target of SLA_TARGETS) {
    const clock = sla[target];
    if (isRunning(clock) && now >= Date.parse(clock.deadline)) {
      return { kind: "sla_breached", target };
    }
  }
  const due = SLA_TARGETS.filter((target) => sla[target].escalationDue);
  return due.length > 0 ? { kind: "escalated", targets: due } : undefined;
};

/**
 * The ticket after one step of the SLA check (not stamped). An escalation raises the priority
 * one level and hands the ticket to `escalationOwnerId` (kept as it is without one); it does not
 * retarget the clocks, so that a breach of one target cannot cascade into an instant breach of
 * the other. `sla.lastNotice` says what the step was about, for the event's consumers.
 */
export const applySlaStep = (
  ticket: Ticket & { sla: TicketSla },
  step: SlaStep,
  at: Date,
  escalationOwnerId?: string,
): Ticket => {
  const { sla } = ticket;
  const when = at.toISOString();
  switch (step.kind) {
    case "sla_warning":
      return {
        ...ticket,
        sla: {
          ...sla,
          [step.target]: { ...sla[step.target], warnedAt: when },
          lastNotice: { kind: step.kind, targets: [step.target], at: when },
        },
      };
    case "sla_breached":
      return {
        ...ticket,
        sla: {
          ...sla,
          [step.target]: {
            ...withMarks(sla[step.target], breachClock(sla[step.target], at, sla.calendar)),
            escalationDue: true,
          },
          lastNotice: { kind: step.kind, targets: [step.target], at: when },
        },
      };
    case "escalated": {
      const escalate = (target: SlaTarget): TicketSlaClock => {
        if (!step.targets.includes(target)) return sla[target];
        const { escalationDue: _done, ...clock } = sla[target];
        return { ...clock, escalatedAt: when };
      };
      return {
        ...ticket,
        priority: raisedPriority(ticket.priority),
        ...(escalationOwnerId ? { assigneeId: escalationOwnerId } : {}),
        sla: {
          ...sla,
          firstResponse: escalate("firstResponse"),
          resolution: escalate("resolution"),
          lastNotice: { kind: step.kind, targets: [...step.targets], at: when },
        },
      };
    }
  }
};

/**
 * When the SLA check should run next for this ticket: the earliest pending warning or deadline
 * of a running clock, or an escalation still due (then at once: its breach time). None for a
 * ticket without SLA, solved, closed, or with every clock paused or stopped. A workflow waits
 * until this instant, calls the check, and waits again on what the check returns.
 */
export const nextTimerAt = (ticket: Ticket): string | undefined => {
  const { sla } = ticket;
  if (!sla || !isUnsolved(ticket.status)) return undefined;
  const instants = SLA_TARGETS.flatMap((target) => {
    const clock = sla[target];
    if (clock.escalationDue) return [clock.stoppedAt ?? ticket.updatedAt];
    if (!isRunning(clock)) return [];
    return warningAhead(clock) ? [clock.warnAt, clock.deadline] : [clock.deadline];
  });
  return instants.sort()[0];
};
