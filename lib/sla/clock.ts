import type { BusinessCalendar } from "#lib/sla/business-calendar";
import { addBusinessTime, businessSecondsBetween } from "#lib/sla/business-time";

/**
 * One SLA target's clock (first response, or resolution), as plain data stored on the ticket.
 * It counts business time only, and can pause (the ticket is pending the customer) and resume.
 * While it runs, `deadline` is when the target will be missed and `warnAt` when the warning is
 * due; both are instants a timer can wait for. Every transition is a pure function of the
 * clock, the calendar and an instant, so the ticket service and the escalation workflow agree.
 */
export type SlaClockState = "running" | "paused" | "met" | "breached";

export interface SlaClock {
  readonly targetSeconds: number;
  readonly state: SlaClockState;
  /** Business seconds used up before the current run began. */
  readonly consumedSeconds: number;
  /** When the current run began; absent unless running. */
  readonly runningSince?: string;
  /** When the target will be missed; absent unless running. */
  readonly deadline?: string;
  /** When the warning is due; absent unless running and the warning is still ahead. */
  readonly warnAt?: string;
  /** When the target was met or missed; absent while it is open. */
  readonly stoppedAt?: string;
  /** The business seconds it took (met) or had taken when it was found missed (breached). */
  readonly elapsedSeconds?: number;
}

const iso = (date: Date) => date.toISOString();

/** The clock of a run that began at `since` with `consumed` seconds already used. */
const running = (
  targetSeconds: number,
  consumed: number,
  since: Date,
  calendar: BusinessCalendar,
  warningFraction: number,
): SlaClock => {
  const warnAfter = Math.ceil(targetSeconds * warningFraction) - consumed;
  return {
    targetSeconds,
    state: "running",
    consumedSeconds: consumed,
    runningSince: iso(since),
    deadline: iso(addBusinessTime(since, Math.max(targetSeconds - consumed, 0), calendar)),
    ...(warningFraction < 1 && warnAfter > 0
      ? { warnAt: iso(addBusinessTime(since, warnAfter, calendar)) }
      : {}),
  };
};

export const startClock = (
  targetSeconds: number,
  at: Date,
  calendar: BusinessCalendar,
  warningFraction: number,
): SlaClock => running(targetSeconds, 0, at, calendar, warningFraction);

const usedSoFar = (clock: SlaClock, at: Date, calendar: BusinessCalendar): number =>
  clock.state === "running" && clock.runningSince
    ? clock.consumedSeconds + businessSecondsBetween(new Date(clock.runningSince), at, calendar)
    : clock.consumedSeconds;

/** Stops the clock for now (pending the customer); a stopped or paused clock is unchanged. */
export const pauseClock = (clock: SlaClock, at: Date, calendar: BusinessCalendar): SlaClock =>
  clock.state !== "running"
    ? clock
    : {
        targetSeconds: clock.targetSeconds,
        state: "paused",
        consumedSeconds: usedSoFar(clock, at, calendar),
      };

/** Starts a paused clock again from `at`, with the time it had left. */
export const resumeClock = (
  clock: SlaClock,
  at: Date,
  calendar: BusinessCalendar,
  warningFraction: number,
): SlaClock =>
  clock.state !== "paused"
    ? clock
    : running(clock.targetSeconds, clock.consumedSeconds, at, calendar, warningFraction);

/**
 * Gives a clock a new target (the ticket's priority changed): the time already used counts
 * against the new target, and a running clock gets a new deadline.
 */
export const retargetClock = (
  clock: SlaClock,
  targetSeconds: number,
  at: Date,
  calendar: BusinessCalendar,
  warningFraction: number,
): SlaClock => {
  if (clock.state === "met" || clock.state === "breached") return clock;
  const used = usedSoFar(clock, at, calendar);
  return clock.state === "paused"
    ? { ...clock, targetSeconds, consumedSeconds: used }
    : running(targetSeconds, used, at, calendar, warningFraction);
};

/** The target was reached (first reply sent, ticket solved) at `at`: met in time, or late. */
export const stopClock = (clock: SlaClock, at: Date, calendar: BusinessCalendar): SlaClock => {
  if (clock.state === "met" || clock.state === "breached") return clock;
  const elapsed = usedSoFar(clock, at, calendar);
  return {
    targetSeconds: clock.targetSeconds,
    state: elapsed <= clock.targetSeconds ? "met" : "breached",
    consumedSeconds: elapsed,
    stoppedAt: iso(at),
    elapsedSeconds: elapsed,
  };
};

/** The target was missed and is still open at `at`: the clock is marked breached, once. */
export const breachClock = (clock: SlaClock, at: Date, calendar: BusinessCalendar): SlaClock =>
  clock.state !== "running" || !clock.deadline || at.getTime() < Date.parse(clock.deadline)
    ? clock
    : {
        targetSeconds: clock.targetSeconds,
        state: "breached",
        consumedSeconds: usedSoFar(clock, at, calendar),
        stoppedAt: iso(at),
        elapsedSeconds: usedSoFar(clock, at, calendar),
      };

/** Business seconds left before the deadline at `at`; negative once it has passed. */
export const remainingSeconds = (clock: SlaClock, at: Date, calendar: BusinessCalendar): number => {
  if (clock.state === "met" || clock.state === "breached") return 0;
  return clock.targetSeconds - usedSoFar(clock, at, calendar);
};
