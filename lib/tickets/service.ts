import type { Activity, CreateActivity } from "#lib/activities/schema";
import { activityCreation } from "#lib/activities/service";
import type { Principal } from "#lib/auth/principal";
import { revisionCondition, withDefinitions } from "#lib/custom-fields/definitions";
import { validateCustomFieldValues } from "#lib/custom-fields/validate-values";
import { createRecord, type ExtraItem, getRecordWith, WriteConflict } from "#lib/db/record-store";
import { engagementKey, removeEngagement } from "#lib/engagement/keys";
import { engagementOf } from "#lib/engagement/state";
import { notFound } from "#lib/errors/domain-error";
import type { Page } from "#lib/http/response";
import {
  explainMissingLinks,
  linkedRecordExists,
  type RecordRef,
} from "#lib/linked-records/registry";
import { newId } from "#lib/records/ids";
import { listByOneFilter } from "#lib/records/list-by-filter";
import { mutateRecord, removeRecord } from "#lib/records/mutate";
import { matchPolicy } from "#lib/sla-policies/matching";
import { policyRevisionCondition, withPolicies } from "#lib/sla-policies/policy-set";
import {
  byAssigneePartition,
  byRequesterPartition,
  byTeamPartition,
  QUEUE_PARTITION,
  ticketKey,
  ticketModel,
} from "#lib/tickets/keys";
import { applyReply, newTicket, patchTicket } from "#lib/tickets/lifecycle";
import type {
  CreateTicket,
  ListTicketsQuery,
  ReplyInput,
  Ticket,
  TicketDetail,
  TicketView,
  UpdateTicket,
} from "#lib/tickets/schema";
import { slaStatusAt } from "#lib/tickets/sla-state";

const MISSING_LINKS = "ticket.linked_records_missing";

/** The caller can name themselves as `me` in `?assigneeId=`. */
export const ME = "me";

/** A ticket as the API returns it: with its SLA status computed as of `at`. */
export const viewOf = (ticket: Ticket, at = new Date()): TicketView => ({
  ...ticket,
  ...(ticket.sla ? { slaStatus: slaStatusAt(ticket.sla, at) } : {}),
});

const requesterRef = (id: string): RecordRef => ({ entity: "contact", id });
const companyRef = (id: string): RecordRef => ({ entity: "company", id });

/**
 * Opens a ticket. In one transaction: the ticket and its requester facet, a check that the
 * requester (and the company, if named) exist (a 422 naming the missing ones otherwise), and
 * conditions on the custom field definitions and the SLA policies it was validated and matched
 * against. The most specific matching SLA policy (`lib/sla-policies/matching.ts`) starts its
 * clocks; without one the ticket has no SLA.
 */
export const createTicket = (input: CreateTicket, actor: Principal): Promise<TicketView> =>
  withDefinitions("ticket", (definitions) =>
    withPolicies(async (policies) => {
      const now = new Date();
      const ticket = newTicket(
        newId("tkt"),
        input,
        validateCustomFieldValues(definitions, input.customFields),
        actor.userId,
        now,
        matchPolicy(policies.policies, input),
      );
      const links: ExtraItem[] = [
        linkedRecordExists(requesterRef(input.requesterId)),
        ...(input.companyId ? [linkedRecordExists(companyRef(input.companyId))] : []),
      ];
      await createRecord(ticketModel, ticket, [
        ...links,
        revisionCondition(definitions),
        policyRevisionCondition(policies),
      ]);
      return viewOf(ticket, now);
    }),
  ).catch(explainMissingLinks(MISSING_LINKS));

/** The ticket, its SLA status as of now, and its engagement (a companion item), in one BatchGetItem. */
export const getTicket = async (id: string): Promise<TicketDetail> => {
  const { record, companions } = await getRecordWith(ticketModel, id, [
    engagementKey(ticketKey(id)),
  ]);
  if (!record) throw notFound("ticket", id);
  return { ...viewOf(record), engagement: engagementOf(companions[0]) };
};

/**
 * A PATCH, conditioned on the version read (or on If-Match). A new requester or company is
 * checked to exist in the same transaction. A status change is checked against the transitions
 * (409 `ticket.invalid_transition`, naming the allowed ones); a closed ticket refuses every
 * change (409 `ticket.closed`).
 */
export const updateTicket = (
  id: string,
  patch: UpdateTicket,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<TicketView> =>
  withDefinitions("ticket", (definitions) =>
    mutateRecord(ticketModel, id, expectedVersion, (before) => {
      const { customFields, ...fields } = patch;
      const now = new Date();
      const { ticket, changeVerb } = patchTicket(
        before,
        fields,
        customFields
          ? validateCustomFieldValues(definitions, customFields, before.customFields)
          : before.customFields,
        actor.userId,
        now,
      );
      const added: RecordRef[] = [
        ...(patch.requesterId && patch.requesterId !== before.requesterId
          ? [requesterRef(patch.requesterId)]
          : []),
        ...(patch.companyId && patch.companyId !== before.companyId
          ? [companyRef(patch.companyId)]
          : []),
      ];
      return {
        after: ticket,
        extra: [...added.map(linkedRecordExists), revisionCondition(definitions)],
        ...(changeVerb ? { changeVerb } : {}),
      };
    }),
  )
    .then((ticket) => viewOf(ticket))
    .catch(explainMissingLinks(MISSING_LINKS));

/** Deletes a ticket and its engagement; its replies stay activities on the requester's timeline. */
export const deleteTicket = async (
  id: string,
  expectedVersion: number | undefined,
  actor: Principal,
): Promise<void> => {
  await removeRecord(ticketModel, id, expectedVersion, actor.userId, () => [
    removeEngagement(ticketKey(id)),
  ]);
};

const REPLY_TITLES = {
  public: { agent: "Reply to the requester", requester: "Reply from the requester" },
  internal: { agent: "Internal note", requester: "Internal note" },
} as const;

/**
 * The reply as an activity on the ticket's timeline and the requester's (a note, with its
 * `visibility`, and for a public reply its direction), under `id`.
 */
const replyActivity = (
  ticket: Ticket,
  input: ReplyInput,
  links: readonly RecordRef[],
  at: Date,
): CreateActivity => ({
  type: "note",
  occurredAt: at.toISOString(),
  title: `${REPLY_TITLES[input.visibility][input.author]}: ${ticket.subject}`.slice(0, 300),
  body: input.body,
  links: [...links],
});

const isMissing = (error: unknown, ref: RecordRef) => {
  const label = linkedRecordExists(ref).label;
  return (
    error instanceof WriteConflict &&
    error.targets.some((target) => target.kind === "extra" && target.label === label)
  );
};

/**
 * A public reply or an internal note, in ONE transaction with the ticket: the reply's activity
 * (with its timeline copies) and the ticket's record of it (`lastReply`, and for an agent's
 * first public reply `firstRespondedAt` with the first-response clock stopped), announced as
 * `ticket.replied`. A closed ticket is a 409 and nothing is written. A requester deleted since
 * leaves the reply on the ticket's timeline only.
 */
export const replyToTicket = async (
  id: string,
  input: ReplyInput,
  actor: Principal,
): Promise<{ reply: Activity; ticket: TicketView }> => {
  const now = new Date();
  const replyId = newId("act");
  const ticketRef: RecordRef = { entity: "ticket", id };
  // The requester of the ticket as the write last read it, to tell a refusal for a requester
  // deleted since from any other failure without reading the ticket again. Unset when the write
  // failed before reading the ticket (a ticket that does not exist).
  let requester: string | undefined;
  const write = async (withRequester: boolean) => {
    let reply: Activity | undefined;
    const ticket = await mutateRecord(ticketModel, id, undefined, (current) => {
      requester = current.requesterId;
      const links = withRequester ? [ticketRef, requesterRef(current.requesterId)] : [ticketRef];
      const created = activityCreation(replyActivity(current, input, links, now), actor, {
        id: replyId,
        writtenByCaller: ticketRef,
        visibility: input.visibility,
        ...(input.visibility === "public"
          ? { direction: input.author === "agent" ? "outbound" : "inbound" }
          : {}),
      });
      reply = created.activity;
      const { ticket: after, changeVerb } = applyReply(
        current,
        { activityId: replyId, visibility: input.visibility, author: input.author },
        actor.userId,
        now,
      );
      return { after, extra: created.items, ...(changeVerb ? { changeVerb } : {}) };
    });
    if (!reply) throw new Error("unreachable: the mutation always builds the reply");
    return { reply, ticket: viewOf(ticket, now) };
  };
  try {
    return await write(true);
  } catch (error) {
    if (!requester || !isMissing(error, requesterRef(requester))) throw error;
    return write(false);
  }
};

/**
 * `GET /tickets`, one Query per page: the unsolved queue (gsi3), an assignee's (gsi1) or a
 * team's (gsi2) unsolved tickets, each by priority then next SLA deadline; or a requester's
 * tickets, newest first (gsi1, on the requester facets).
 */
export const listTickets = async (
  query: ListTicketsQuery,
  actor: Principal,
): Promise<Page<TicketView>> => {
  const assigneeId = query.assigneeId === ME ? actor.userId : query.assigneeId;
  const page = await listByOneFilter<Ticket, "assigneeId" | "teamId" | "requesterId">(
    "ticket",
    { ...query, assigneeId },
    {
      assigneeId: (assignee) => ({ index: "gsi1", partition: byAssigneePartition(assignee) }),
      teamId: (team) => ({ index: "gsi2", partition: byTeamPartition(team) }),
      requesterId: (contact) => ({
        index: "gsi1",
        partition: byRequesterPartition(contact),
        newestFirst: true,
      }),
    },
    { index: "gsi3", partition: QUEUE_PARTITION },
  );
  const now = new Date();
  return { ...page, data: page.data.map((ticket) => viewOf(ticket, now)) };
};
