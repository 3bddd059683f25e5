import type { ItemKey } from "#lib/db/record-store";

/**
 * Every key format of ticket escalation, in one place. See docs/data-model.md.
 *
 * | item  | pk                   | sk    | gsi |
 * |-------|----------------------|-------|-----|
 * | timer | escalation#<ticketId> | timer | —   |
 *
 * The timer item says which execution of the `ticket-escalation` state machine owns a ticket's
 * SLA timer: the ticket version whose change set the timer (`generation`), and the execution's
 * name. It is bookkeeping, never announced (its type is not a published entity), and it holds
 * ids only. A ticket's timer moves by a conditional write on `generation`, so two deliveries of
 * ticket events, in any order, leave exactly one owner: the newest change.
 */
export const TIMER_ENTITY = "escalation_timer";

export const timerKey = (ticketId: string): ItemKey => ({
  pk: `escalation#${ticketId}`,
  sk: "timer",
});
