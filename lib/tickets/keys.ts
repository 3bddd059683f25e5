import type { Facet, IndexKeys, ItemKey, RecordModel } from "#lib/db/record-store";
import { priorityRank } from "#lib/tickets/classification";
import type { Ticket } from "#lib/tickets/schema";
import { nextDeadline } from "#lib/tickets/sla-state";
import { isUnsolved } from "#lib/tickets/transitions";

/**
 * Every key format of tickets, in one place. See docs/data-model.md for the access patterns.
 *
 * | item            | pk           | sk                     | gsi1                                        | gsi2                                   | gsi3                          |
 * |-----------------|--------------|------------------------|---------------------------------------------|----------------------------------------|-------------------------------|
 * | ticket          | ticket#<id>  | ticket                 | ticket#assignee#<assigneeId> / <queue>      | ticket#team#<teamId> / <queue>         | ticket#queue / <queue>        |
 * | requester facet | ticket#<id>  | requester#<contactId>  | ticket#requester#<contactId> / <createdAt>#<id> |                                    |                               |
 *
 * `<queue>` is `<rank>#<deadline>#<id>`: the priority's rank (`1` urgent … `4` low), then the
 * earliest deadline of a running SLA clock (ISO-8601 UTC, or `~` when no clock runs: a paused or
 * SLA-less ticket comes last within its priority). The three queue indexes are sparse: only an
 * unsolved ticket (new, open, pending, on hold) carries their keys, the assignee's and the
 * team's only when it has one, so a solved ticket leaves every queue in the write that solves
 * it. Every write recomputes `<queue>`, so a priority change, a pause or an escalation re-sorts
 * the ticket in the same transaction.
 *
 * The requester facet is a copy of the ticket that lists it under its requester, newest first,
 * solved or not; it moves when the requester changes.
 */
export const ticketKey = (id: string): ItemKey => ({ pk: `ticket#${id}`, sk: "ticket" });

export const QUEUE_PARTITION = "ticket#queue";
export const byAssigneePartition = (assigneeId: string) => `ticket#assignee#${assigneeId}`;
export const byTeamPartition = (teamId: string) => `ticket#team#${teamId}`;
export const byRequesterPartition = (contactId: string) => `ticket#requester#${contactId}`;

/** Sorts after every ISO-8601 time: no running clock, so no deadline. */
const NO_DEADLINE = "~";

export const queueSortKey = (ticket: Pick<Ticket, "priority" | "sla" | "id">) =>
  `${priorityRank(ticket.priority)}#${nextDeadline(ticket.sla) ?? NO_DEADLINE}#${ticket.id}`;

const requesterSortKey = (ticket: Pick<Ticket, "createdAt" | "id">) =>
  `${ticket.createdAt}#${ticket.id}`;

export const ticketModel: RecordModel<Ticket> = {
  type: "ticket",
  key: ticketKey,
  index: (t): IndexKeys => {
    if (!isUnsolved(t.status)) return {};
    const queue = queueSortKey(t);
    return {
      ...(t.assigneeId ? { gsi1pk: byAssigneePartition(t.assigneeId), gsi1sk: queue } : {}),
      ...(t.teamId ? { gsi2pk: byTeamPartition(t.teamId), gsi2sk: queue } : {}),
      gsi3pk: QUEUE_PARTITION,
      gsi3sk: queue,
    };
  },
  facets: (t): Facet[] => [
    {
      name: "requester",
      key: { pk: `ticket#${t.id}`, sk: `requester#${t.requesterId}` },
      index: { gsi1pk: byRequesterPartition(t.requesterId), gsi1sk: requesterSortKey(t) },
    },
  ],
};
