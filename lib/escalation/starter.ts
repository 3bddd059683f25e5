import type { BusEvent } from "#events/envelope";
import { timerChangeOf } from "#lib/escalation/timer-change";
import { type MoveOutcome, moveTimer, removeTimer } from "#lib/escalation/timers";

export type TimerOutcome =
  | MoveOutcome
  | { readonly outcome: "unchanged" }
  | { readonly outcome: "removed" };

/**
 * A ticket event -> its SLA timer: started by `ticket.created`, moved (stopped and started
 * again under the changing version's name) by a change that moves the next warning or
 * deadline, stopped by solving, closing, pausing or deleting. Idempotent per event: a
 * redelivered or late event finds the timer already where it says, or owned by a newer change.
 */
export const applyTicketEvent = async (event: BusEvent): Promise<TimerOutcome> => {
  const change = timerChangeOf(event);
  switch (change.kind) {
    case "unchanged":
      return { outcome: "unchanged" };
    case "gone":
      await removeTimer(change.ticketId);
      return { outcome: "removed" };
    case "move":
      return moveTimer(change.ticketId, change.generation, change.nextAt);
  }
};
