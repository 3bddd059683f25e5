import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { getTimeline } from "#lib/activities/service";
import type { Principal } from "#lib/auth/principal";
import { createContact, deleteContact } from "#lib/contacts/service";
import { createCustomField } from "#lib/custom-fields/service";
import { documentClient, tableName } from "#lib/db/client";
import type { CreateSlaPolicy } from "#lib/sla-policies/schema";
import { createSlaPolicy, updateSlaPolicy } from "#lib/sla-policies/service";
import { ticketKey } from "#lib/tickets/keys";
import type { CreateTicket, TicketView } from "#lib/tickets/schema";
import {
  createTicket,
  deleteTicket,
  getTicket,
  listTickets,
  replyToTicket,
  updateTicket,
} from "#lib/tickets/service";
import { checkTicketSla } from "#lib/tickets/sla-check";
import { rejectionOf } from "#test/support/domain-errors";
import { createTestTable } from "#test/support/dynamodb";

/**
 * Tickets against DynamoDB Local: the requester checked in the transaction, the policy matched
 * and snapshotted, the views on their indexes, replies on the timelines with the first response
 * stamped, refusals that change nothing, and the SLA check, idempotent.
 */
const agent: Principal = { userId: "agent-1", roles: ["support"] };
const admin: Principal = { userId: "admin-1", roles: ["admin"] };
let requesterId: string;
let counter = 0;
/** A team of one test only, so that the views of tests never mix. */
const newTeam = () => `team-${++counter}-${Date.now().toString(36)}`;

const targets = (firstResponseSeconds: number, resolutionSeconds: number) => ({
  firstResponseSeconds,
  resolutionSeconds,
});
const policyInput = (over: Partial<CreateSlaPolicy> = {}): CreateSlaPolicy => ({
  name: "Policy",
  scope: {},
  targets: {
    low: targets(4000, 40_000),
    normal: targets(2000, 20_000),
    high: targets(1000, 10_000),
    urgent: targets(100, 1000),
  },
  warningFraction: 0.75,
  ...over,
});

const ticketInput = (over: Partial<CreateTicket> = {}): CreateTicket => ({
  subject: "Help",
  requesterId,
  channel: "web",
  priority: "normal",
  tags: [],
  customFields: {},
  ...over,
});

const secondsAfter = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000);

const rawItem = async (id: string) =>
  (
    await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": ticketKey(id).pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

beforeAll(async () => {
  await createTestTable("tickets");
  requesterId = (
    await createContact(
      {
        firstName: "Grace",
        emails: ["grace@example.com"],
        phones: [],
        lifecycleStage: "customer",
        tags: [],
        customFields: {},
      },
      agent,
    )
  ).id;
  await createSlaPolicy(policyInput({ name: "Default" }), admin);
});

describe("creating tickets", () => {
  it("refuses an unknown requester with a 422, writing nothing", async () => {
    const queueIds = async () => (await listTickets({ limit: 100 }, agent)).data.map((t) => t.id);
    const before = await queueIds();
    const missing = "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P";
    const error = await rejectionOf(createTicket(ticketInput({ requesterId: missing }), agent));
    expect(error).toMatchObject({
      kind: "unprocessable",
      code: "ticket.linked_records_missing",
      extensions: { missing: [`contact:${missing}`] },
    });
    expect(await queueIds()).toEqual(before);
    expect((await listTickets({ requesterId: missing }, agent)).data).toEqual([]);
  });

  it("applies the most specific policy, snapshots it, and keeps the clocks when it changes", async () => {
    const team = newTeam();
    const teamPolicy = await createSlaPolicy(
      policyInput({ name: "Team", scope: { teamId: team }, escalationOwnerId: "lead-1" }),
      admin,
    );
    // The policies changed since this instance last read them: the revision condition makes
    // the create read them again rather than match against a stale copy.
    const ticket = await createTicket(ticketInput({ teamId: team, priority: "high" }), agent);
    expect(ticket.sla).toMatchObject({
      policyId: teamPolicy.id,
      policyVersion: 1,
      targets: teamPolicy.targets,
      warningFraction: 0.75,
      calendar: { timeZone: "UTC" },
    });
    expect(ticket.sla?.firstResponse).toMatchObject({ state: "running", targetSeconds: 1000 });
    expect(ticket.slaStatus?.firstResponse).toMatchObject({ state: "running" });

    await updateSlaPolicy(
      teamPolicy.id,
      { targets: { ...teamPolicy.targets, high: targets(5, 50) } },
      undefined,
      admin,
    );
    const unchanged = await getTicket(ticket.id);
    expect(unchanged.sla).toEqual(ticket.sla);
    const later = await createTicket(ticketInput({ teamId: team, priority: "high" }), agent);
    expect(later.sla).toMatchObject({ policyId: teamPolicy.id, policyVersion: 2 });
    expect(later.sla?.firstResponse.targetSeconds).toBe(5);
    // No team: the default policy.
    const other = await createTicket(ticketInput(), agent);
    expect(other.sla?.policyId).not.toBe(teamPolicy.id);
  });
});

describe("custom fields", () => {
  it("validates a ticket's custom fields against the ticket definitions", async () => {
    await createCustomField(
      {
        entity: "ticket",
        key: "product",
        label: "Product",
        type: "single_select",
        options: ["billing", "api"],
        required: false,
      },
      admin,
    );
    const ticket = await createTicket(ticketInput({ customFields: { product: "api" } }), agent);
    expect(ticket.customFields).toEqual({ product: "api" });
    const wrong = await rejectionOf(
      updateTicket(ticket.id, { customFields: { product: "hardware" } }, undefined, agent),
    );
    expect(wrong.kind).toBe("invalid");
    const cleared = await updateTicket(
      ticket.id,
      { customFields: { product: null } },
      undefined,
      agent,
    );
    expect(cleared.customFields).toEqual({});
  });
});

describe("views", () => {
  it("orders a team's queue by priority, then by the next SLA deadline", async () => {
    const team = newTeam();
    const make = (priority: CreateTicket["priority"]) =>
      createTicket(ticketInput({ teamId: team, priority }), agent);
    const normalFirst = await make("normal");
    const low = await make("low");
    const urgent = await make("urgent");
    const normalSecond = await make("normal");
    const queue = await listTickets({ teamId: team }, agent);
    expect(queue.data.map((t) => t.id)).toEqual([
      urgent.id,
      normalFirst.id,
      normalSecond.id,
      low.id,
    ]);
    // The whole queue sorts the same way.
    const all = (await listTickets({ limit: 100 }, agent)).data.map((t) => t.id);
    const ours = all.filter((id) => queue.data.some((t) => t.id === id));
    expect(ours).toEqual(queue.data.map((t) => t.id));

    // A paused ticket has no running deadline: last within its priority.
    await updateTicket(normalFirst.id, { status: "pending" }, undefined, agent);
    expect((await listTickets({ teamId: team }, agent)).data.map((t) => t.id)).toEqual([
      urgent.id,
      normalSecond.id,
      normalFirst.id,
      low.id,
    ]);
    // A priority change moves it; solving takes it off the queues.
    await updateTicket(low.id, { priority: "high" }, undefined, agent);
    await updateTicket(urgent.id, { status: "solved" }, undefined, agent);
    expect((await listTickets({ teamId: team }, agent)).data.map((t) => t.id)).toEqual([
      low.id,
      normalSecond.id,
      normalFirst.id,
    ]);
    expect((await listTickets({ limit: 100 }, agent)).data.map((t) => t.id)).not.toContain(
      urgent.id,
    );
  });

  it("serves my tickets, and a requester's tickets newest first, solved ones included", async () => {
    const me: Principal = { userId: `agent-${newTeam()}`, roles: ["support"] };
    const contact = await createContact(
      {
        firstName: "Alan",
        emails: [],
        phones: [],
        lifecycleStage: "customer",
        tags: [],
        customFields: {},
      },
      agent,
    );
    const first = await createTicket(
      ticketInput({ requesterId: contact.id, assigneeId: me.userId }),
      agent,
    );
    const second = await createTicket(ticketInput({ requesterId: contact.id }), agent);
    await updateTicket(first.id, { status: "solved" }, undefined, agent);
    await updateTicket(second.id, { assigneeId: me.userId }, undefined, agent);

    const mine = await listTickets({ assigneeId: "me" }, me);
    expect(mine.data.map((t) => t.id)).toEqual([second.id]);
    const theirs = await listTickets({ requesterId: contact.id }, agent);
    expect(theirs.data.map((t) => [t.id, t.status])).toEqual([
      [second.id, "new"],
      [first.id, "solved"],
    ]);
    // Each ticket of a list carries its SLA status.
    expect(theirs.data.every((t: TicketView) => t.slaStatus !== undefined)).toBe(true);

    const error = await rejectionOf(listTickets({ teamId: "x", requesterId: contact.id }, agent));
    expect(error.code).toBe("ticket.filters_not_combinable");
  });
});

describe("replies", () => {
  it("stamps the first response and puts replies on the ticket's and the requester's timelines", async () => {
    const ticket = await createTicket(ticketInput({ priority: "urgent" }), agent);
    const note = await replyToTicket(
      ticket.id,
      { body: "Looks like the VAT table", visibility: "internal", author: "agent" },
      agent,
    );
    expect(note.ticket.firstRespondedAt).toBeUndefined();
    expect(note.reply).toMatchObject({ type: "note", visibility: "internal" });

    const answer = await replyToTicket(
      ticket.id,
      { body: "We are on it", visibility: "public", author: "agent" },
      agent,
    );
    expect(answer.reply).toMatchObject({
      type: "note",
      visibility: "public",
      direction: "outbound",
      body: "We are on it",
      links: [
        { entity: "ticket", id: ticket.id },
        { entity: "contact", id: requesterId },
      ],
    });
    expect(answer.ticket).toMatchObject({
      status: "open",
      firstRespondedAt: answer.reply.occurredAt,
      lastReply: { activityId: answer.reply.id, visibility: "public", author: "agent" },
      version: 3,
    });
    expect(answer.ticket.sla?.firstResponse.state).toMatch(/^(met|breached)$/);
    expect(answer.ticket.slaStatus?.firstResponse.remainingSeconds).toBe(0);

    const onTicket = await getTimeline("ticket", ticket.id, {});
    expect(onTicket.data.map((a) => a.id)).toEqual([answer.reply.id, note.reply.id]);
    const onRequester = await getTimeline("contact", requesterId, {});
    expect(onRequester.data.map((a) => a.id)).toEqual(
      expect.arrayContaining([answer.reply.id, note.reply.id]),
    );

    const stored = await getTicket(ticket.id);
    expect(stored.firstRespondedAt).toBe(answer.reply.occurredAt);
    expect(stored.sla?.firstResponse).toEqual(answer.ticket.sla?.firstResponse);
  });

  it("refuses a reply to a closed ticket with a 409, and nothing changes", async () => {
    const ticket = await createTicket(ticketInput(), agent);
    await updateTicket(ticket.id, { status: "solved" }, undefined, agent);
    const closed = await updateTicket(ticket.id, { status: "closed" }, undefined, agent);
    const items = await rawItem(ticket.id);
    const error = await rejectionOf(
      replyToTicket(ticket.id, { body: "Hello?", visibility: "public", author: "agent" }, agent),
    );
    expect(error).toMatchObject({ kind: "conflict", code: "ticket.closed" });
    expect(await rawItem(ticket.id)).toEqual(items);
    expect((await getTimeline("ticket", ticket.id, {})).data).toEqual([]);
    expect((await getTicket(ticket.id)).version).toBe(closed.version);
    // Every other change is refused the same way.
    for (const patch of [{ subject: "Reopen me" }, { status: "open" as const }]) {
      const refused = await rejectionOf(updateTicket(ticket.id, patch, undefined, agent));
      expect(refused.code).toBe("ticket.closed");
    }
    expect(await rawItem(ticket.id)).toEqual(items);
  });

  it("keeps a reply on the ticket's timeline when the requester was deleted", async () => {
    const contact = await createContact(
      {
        firstName: "Gone",
        emails: [],
        phones: [],
        lifecycleStage: "customer",
        tags: [],
        customFields: {},
      },
      agent,
    );
    const ticket = await createTicket(ticketInput({ requesterId: contact.id }), agent);
    await deleteContact(contact.id, undefined, admin);
    const answer = await replyToTicket(
      ticket.id,
      { body: "Still here", visibility: "public", author: "agent" },
      agent,
    );
    expect(answer.reply.links).toEqual([{ entity: "ticket", id: ticket.id }]);
  });
});

describe("status transitions", () => {
  it("refuses an invalid transition with a 409 naming the allowed moves, and nothing changes", async () => {
    const ticket = await createTicket(ticketInput(), agent);
    const items = await rawItem(ticket.id);
    const error = await rejectionOf(
      updateTicket(ticket.id, { status: "closed" }, undefined, agent),
    );
    expect(error).toMatchObject({
      kind: "conflict",
      code: "ticket.invalid_transition",
      extensions: { from: "new", to: "closed", allowed: ["open", "pending", "on_hold", "solved"] },
    });
    expect(await rawItem(ticket.id)).toEqual(items);
  });

  it("refuses an unknown new requester with a 422, and nothing changes", async () => {
    const ticket = await createTicket(ticketInput(), agent);
    const items = await rawItem(ticket.id);
    const error = await rejectionOf(
      updateTicket(ticket.id, { requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1Q" }, undefined, agent),
    );
    expect(error.code).toBe("ticket.linked_records_missing");
    expect(await rawItem(ticket.id)).toEqual(items);
  });

  it("deletes a ticket with its facet", async () => {
    const ticket = await createTicket(ticketInput(), agent);
    await deleteTicket(ticket.id, 1, admin);
    expect(await rawItem(ticket.id)).toEqual([]);
    expect((await rejectionOf(getTicket(ticket.id))).code).toBe("ticket.not_found");
  });
});

describe("the SLA check", () => {
  it("warns, breaches and escalates at its instants, once", async () => {
    const team = newTeam();
    await createSlaPolicy(
      policyInput({ name: "Check", scope: { teamId: team }, escalationOwnerId: "lead-9" }),
      admin,
    );
    // Normal: first response 2000 s (warning at 1500 s), resolution 20 000 s.
    const ticket = await createTicket(ticketInput({ teamId: team, assigneeId: "agent-1" }), agent);
    const start = ticket.createdAt;

    const early = await checkTicketSla(ticket.id, secondsAfter(start, 10));
    expect(early.steps).toEqual([]);
    expect(early.ticket?.version).toBe(1);
    expect(early.nextTimerAt).toBe(secondsAfter(start, 1500).toISOString());

    const warned = await checkTicketSla(ticket.id, secondsAfter(start, 1500));
    expect(warned.steps).toEqual([{ kind: "sla_warning", target: "firstResponse" }]);
    expect(warned.ticket?.version).toBe(2);
    expect(warned.nextTimerAt).toBe(secondsAfter(start, 2000).toISOString());

    const breachAt = secondsAfter(start, 2000);
    const breached = await checkTicketSla(ticket.id, breachAt);
    expect(breached.steps).toEqual([
      { kind: "sla_breached", target: "firstResponse" },
      { kind: "escalated", targets: ["firstResponse"] },
    ]);
    expect(breached.ticket).toMatchObject({
      priority: "high",
      assigneeId: "lead-9",
      version: 4,
      updatedBy: "system",
    });
    expect(breached.ticket?.sla?.firstResponse).toMatchObject({
      state: "breached",
      escalatedAt: breachAt.toISOString(),
    });
    // The resolution's warning is next: 15 000 s after the start.
    expect(breached.nextTimerAt).toBe(secondsAfter(start, 15_000).toISOString());

    // Idempotent: the same instant again changes nothing.
    const again = await checkTicketSla(ticket.id, breachAt);
    expect(again.steps).toEqual([]);
    expect(again.ticket).toEqual(breached.ticket);
    expect(again.nextTimerAt).toBe(breached.nextTimerAt);

    // The escalated ticket sits in its new assignee's queue.
    const owners = await listTickets({ assigneeId: "lead-9" }, agent);
    expect(owners.data.map((t) => t.id)).toContain(ticket.id);
  });

  it("ends for a solved ticket, and for one that no longer exists", async () => {
    const ticket = await createTicket(ticketInput({ priority: "urgent" }), agent);
    await updateTicket(ticket.id, { status: "solved" }, undefined, agent);
    const solved = await checkTicketSla(ticket.id, secondsAfter(ticket.createdAt, 10_000));
    expect(solved.steps).toEqual([]);
    expect(solved.nextTimerAt).toBeUndefined();
    await deleteTicket(ticket.id, undefined, admin);
    expect(await checkTicketSla(ticket.id, new Date())).toEqual({
      ticket: undefined,
      steps: [],
      nextTimerAt: undefined,
    });
  });
});
