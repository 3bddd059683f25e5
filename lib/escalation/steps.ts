import * as z from "zod/mini";
import { getRecordWith } from "#lib/db/record-store";
import { timerKey } from "#lib/escalation/keys";
import { isSuperseded, readTimer, type TimerItem } from "#lib/escalation/timers";
import { ticketModel } from "#lib/tickets/keys";
import { checkTicketSla } from "#lib/tickets/sla-check";
import { nextTimerAt, type SlaStep } from "#lib/tickets/sla-state";

/**
 * The ticket escalation state machine's tasks (lib/escalation/ticket-escalation.asl.json): when
 * a new timer should first wake, and the SLA check of one ticket at each wake-up with when to
 * wake up next. The check itself
 * (`checkTicketSla` of lib/tickets/sla-check.ts) warns, breaches and escalates, each once, with
 * its marks on the ticket, so a retried or repeated task changes nothing twice.
 */
const ticketTimer = {
  ticketId: z.string().check(z.minLength(1)),
  generation: z.int().check(z.minimum(1)),
};

/**
 * `plan`: the execution's first task, which only reads the ticket and says when to wake; `check`:
 * each wake-up's SLA check, at the instant it woke for (`dueAt`).
 */
export const escalationTaskInput = z.discriminatedUnion("action", [
  z.object({ action: z.literal("plan"), ...ticketTimer }),
  z.object({ action: z.literal("check"), ...ticketTimer, dueAt: z.string() }),
]);

export type EscalationTaskInput = z.infer<typeof escalationTaskInput>;

export type CheckOutcome =
  | {
      readonly done: false;
      /** When to check again: whole seconds, rounded up (see `waitInstantOf`). */
      readonly nextAt: string;
      readonly steps: readonly SlaStep["kind"][];
    }
  | {
      readonly done: true;
      readonly reason: "no_running_clock" | "ticket_deleted" | "superseded";
      readonly steps: readonly SlaStep["kind"][];
    };

/**
 * The Wait state's timestamp for an instant: rounded up to the whole second. Step Functions
 * truncates a timestamp's milliseconds, which would wake the execution up to a second early,
 * find nothing due, and wait again for the same instant; rounding up never wakes early.
 */
export const waitInstantOf = (instant: number): string =>
  new Date(Math.ceil(instant / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * How far the instant the execution woke for may be ahead of this function's clock and still be
 * taken as "now": the two clocks are different machines', and a check a hair early would find
 * nothing due and go back to sleep for the same instant.
 */
const CLOCK_SKEW_MS = 2000;

/** At least this long between two checks, whatever the ticket says: never a hot loop. */
const MIN_INTERVAL_MS = 1000;

export const checkInstantOf = (dueAt: string | undefined, now: Date): Date => {
  const due = dueAt ? Date.parse(dueAt) : Number.NaN;
  return Number.isFinite(due) && due > now.getTime() && due - now.getTime() <= CLOCK_SKEW_MS
    ? new Date(due)
    : now;
};

const outcomeOf = (
  nextTimerAt: string | undefined,
  steps: readonly SlaStep["kind"][],
  notBefore: number,
): CheckOutcome =>
  nextTimerAt === undefined
    ? { done: true, reason: "no_running_clock", steps }
    : {
        done: false,
        nextAt: waitInstantOf(Math.max(Date.parse(nextTimerAt), notBefore)),
        steps,
      };

/**
 * One task of an execution. Either way it first stops if a newer change of the ticket owns its
 * timer (that change's execution does the work).
 * - `plan` (the first): reads the ticket and says when its next warning or deadline is; it
 *   writes nothing, so a new timer never races a change being made to the ticket. An instant
 *   already past makes the Wait end at once, and the check follows.
 * - `check` (each wake-up): runs the SLA check at this instant and says when the next one is.
 */
export const runEscalationTask = async (
  input: EscalationTaskInput,
  now = new Date(),
): Promise<CheckOutcome> => {
  if (input.action === "plan") {
    // The timer and the ticket in one consistent read: `plan` needs both, and writes nothing.
    const {
      record: ticket,
      companions: [timer],
    } = await getRecordWith(ticketModel, input.ticketId, [timerKey(input.ticketId)]);
    if (isSuperseded(timer as TimerItem | undefined, input.generation)) {
      return { done: true, reason: "superseded", steps: [] };
    }
    if (!ticket) return { done: true, reason: "ticket_deleted", steps: [] };
    return outcomeOf(nextTimerAt(ticket), [], 0);
  }
  if (isSuperseded(await readTimer(input.ticketId), input.generation)) {
    return { done: true, reason: "superseded", steps: [] };
  }
  const at = checkInstantOf(input.dueAt, now);
  const result = await checkTicketSla(input.ticketId, at);
  const steps = result.steps.map((step) => step.kind);
  if (!result.ticket) return { done: true, reason: "ticket_deleted", steps };
  return outcomeOf(result.nextTimerAt, steps, at.getTime() + MIN_INTERVAL_MS);
};
