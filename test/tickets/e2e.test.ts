import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Activity } from "#lib/activities/schema";
import type { Contact } from "#lib/contacts/schema";
import { parseBusEvent } from "#lib/events/bus-event";
import { TicketEvents } from "#lib/events/detail-types";
import type { Page } from "#lib/http/response";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import type { ReplyInput, TicketDetail, TicketView } from "#lib/tickets/schema";
import { checkTicketSla } from "#lib/tickets/sla-check";
import type { LocalBusEvent } from "#local/event-bus";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * Support over HTTP through the local runtime: an admin sets an SLA policy with second-scale
 * targets, an agent opens a ticket, answers it, parks it pending and gets it back, solves it;
 * the events follow on the bus, replies reach the timelines, and the SLA check (run here as the
 * escalation workflow will run it) announces the breach and the escalation once. Bad input gets
 * a clear 4xx and changes nothing.
 */
let crm: TestRuntime;
let admin: ApiClient;
let agent: ApiClient;
let requester: Contact;

beforeAll(async () => {
  crm = await startTestRuntime();
  admin = crm.as("admin", "admin-1");
  agent = crm.as("support", "agent-1");
  const created = await agent.post<Contact>("/contacts", {
    firstName: "Grace",
    emails: ["grace@example.com"],
  });
  expect(created.status).toBe(201);
  requester = created.body;
  const policy = await admin.post<SlaPolicy>("/sla-policies", {
    name: "Seconds",
    targets: {
      low: { firstResponseSeconds: 600, resolutionSeconds: 6000 },
      normal: { firstResponseSeconds: 300, resolutionSeconds: 3000 },
      high: { firstResponseSeconds: 120, resolutionSeconds: 1200 },
      urgent: { firstResponseSeconds: 2, resolutionSeconds: 60 },
    },
    warningFraction: 0.5,
    escalationOwnerId: "lead-1",
  });
  expect(policy.status, JSON.stringify(policy.body)).toBe(201);
});

afterAll(async () => {
  await crm?.stop();
});

const ofTicket = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;

const openTicket = async (body: Record<string, unknown> = {}) => {
  const response = await agent.post<TicketView>("/tickets", {
    subject: "The invoice is wrong",
    requesterId: requester.id,
    channel: "email",
    ...body,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
};

const reply = (id: string, body: ReplyInput | Record<string, unknown>) =>
  agent.post<{ reply: Activity; ticket: TicketView }>(`/tickets/${id}/replies`, body);

const expectProblem = async (
  response: Promise<{ status: number; body: unknown }>,
  status: number,
  code: string,
) => {
  const answer = await response;
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ status, code });
  return answer.body as Record<string, unknown>;
};

describe("tickets over HTTP", () => {
  it("opens, answers, pauses, resumes and solves a ticket, with its events and timelines", async () => {
    const ticket = await openTicket({ priority: "normal", tags: ["billing"] });
    expect(ticket).toMatchObject({ status: "new", priority: "normal", version: 1 });
    expect(ticket.slaStatus?.firstResponse).toMatchObject({ state: "running", targetSeconds: 300 });
    const created = parseBusEvent(await crm.bus.waitFor(ofTicket(ticket.id, TicketEvents.Created)));
    expect(created.detail.data).toMatchObject({ sla: { firstResponse: { state: "running" } } });

    const answered = await reply(ticket.id, { body: "Looking into it", visibility: "public" });
    expect(answered.status, JSON.stringify(answered.body)).toBe(201);
    expect(answered.headers.get("location")).toBe(`/activities/${answered.body.reply.id}`);
    expect(answered.body.ticket).toMatchObject({
      status: "open",
      firstRespondedAt: answered.body.reply.occurredAt,
      slaStatus: { firstResponse: { state: "met", remainingSeconds: 0 } },
    });
    const replied = parseBusEvent(await crm.bus.waitFor(ofTicket(ticket.id, TicketEvents.Replied)));
    expect(replied.detail).toMatchObject({
      actor: "agent-1",
      data: { lastReply: { activityId: answered.body.reply.id, visibility: "public" } },
    });
    const note = await reply(ticket.id, { body: "VAT table again", visibility: "internal" });
    expect(note.status).toBe(201);

    // Both on the ticket's timeline and on the requester's, newest first.
    const onTicket = await agent.get<Page<Activity>>(`/tickets/${ticket.id}/timeline`);
    expect(onTicket.body.data.map((a) => [a.visibility, a.body])).toEqual([
      ["internal", "VAT table again"],
      ["public", "Looking into it"],
    ]);
    const onRequester = await agent.get<Page<Activity>>(`/contacts/${requester.id}/timeline`);
    expect(onRequester.body.data.map((a) => a.id)).toEqual(
      expect.arrayContaining([answered.body.reply.id, note.body.reply.id]),
    );

    const pending = await agent.patch<TicketView>(`/tickets/${ticket.id}`, { status: "pending" });
    expect(pending.status).toBe(200);
    expect(pending.body.slaStatus?.resolution.state).toBe("paused");
    const shown = await agent.get<TicketDetail>(`/tickets/${ticket.id}`);
    expect(shown.headers.get("etag")).toBe(`"${pending.body.version}"`);
    expect(shown.body.slaStatus?.resolution).toMatchObject({ state: "paused" });
    expect(shown.body.slaStatus?.resolution.deadline).toBeUndefined();

    // The requester answers: the ticket is open again and its clock runs.
    const back = await reply(ticket.id, {
      body: "Here is the invoice",
      visibility: "public",
      author: "requester",
    });
    expect(back.body.reply.direction).toBe("inbound");
    expect(back.body.ticket.status).toBe("open");
    expect(back.body.ticket.slaStatus?.resolution).toMatchObject({ state: "running" });

    const solved = await agent.patch<TicketView>(
      `/tickets/${ticket.id}`,
      { status: "solved" },
      { headers: { "if-match": `"${back.body.ticket.version}"` } },
    );
    expect(solved.status).toBe(200);
    expect(solved.body.slaStatus?.resolution.state).toBe("met");
    const solvedEvent = parseBusEvent(
      await crm.bus.waitFor(ofTicket(ticket.id, TicketEvents.Solved)),
    );
    expect(solvedEvent.detail.changes).toMatchObject({ status: { from: "open", to: "solved" } });

    const theirs = await agent.get<Page<TicketView>>("/tickets", {
      query: { requesterId: requester.id },
    });
    expect(theirs.body.data.map((t) => t.id)).toContain(ticket.id);
    const queue = await agent.get<Page<TicketView>>("/tickets");
    expect(queue.body.data.map((t) => t.id)).not.toContain(ticket.id);
  });

  it("warns, breaches and escalates an unanswered ticket at its instants, exactly once", async () => {
    // High: first response 120 s, warning at half of it. The check is called for those future
    // instants, ahead of the escalation workflow's own timer (which waits in real time).
    const ticket = await openTicket({ priority: "high", assigneeId: "agent-1" });
    const { warnAt, deadline } = ticket.sla?.firstResponse ?? {};
    expect([warnAt, deadline].every((instant) => instant !== undefined)).toBe(true);
    const warned = await checkTicketSla(ticket.id, new Date(warnAt ?? ""));
    expect(warned.steps.map((s) => s.kind)).toEqual(["sla_warning"]);
    expect(warned.nextTimerAt).toBe(deadline);
    const at = new Date(deadline ?? "");
    const first = await checkTicketSla(ticket.id, at);
    expect(first.steps.map((s) => s.kind)).toEqual(["sla_breached", "escalated"]);
    const again = await checkTicketSla(ticket.id, at);
    expect(again.steps).toEqual([]);

    const breached = parseBusEvent(
      await crm.bus.waitFor(ofTicket(ticket.id, TicketEvents.SlaBreached)),
    );
    expect(breached.detail).toMatchObject({
      actor: "system",
      data: { sla: { lastNotice: { kind: "sla_breached", targets: ["firstResponse"] } } },
    });
    const escalated = parseBusEvent(
      await crm.bus.waitFor(ofTicket(ticket.id, TicketEvents.Escalated)),
    );
    expect(escalated.detail.changes).toMatchObject({
      assigneeId: { from: "agent-1", to: "lead-1" },
    });
    const shown = await agent.get<TicketDetail>(`/tickets/${ticket.id}`);
    expect(shown.body).toMatchObject({
      priority: "urgent",
      assigneeId: "lead-1",
      slaStatus: { firstResponse: { state: "breached" } },
    });
    expect(shown.body.sla?.lastNotice).toMatchObject({
      kind: "escalated",
      targets: ["firstResponse"],
    });
    const count = (type: string) => crm.bus.events().filter(ofTicket(ticket.id, type)).length;
    expect([count(TicketEvents.SlaWarning), count(TicketEvents.SlaBreached)]).toEqual([1, 1]);
    expect(count(TicketEvents.Escalated)).toBe(1);
  });

  it("does not escalate a ticket answered in time", async () => {
    const ticket = await openTicket({ priority: "high" });
    const answered = await reply(ticket.id, { body: "On it", visibility: "public" });
    expect(answered.status).toBe(201);
    // At the first response's deadline: it was met, so there is nothing to do.
    const check = await checkTicketSla(
      ticket.id,
      new Date(ticket.sla?.firstResponse.deadline ?? ""),
    );
    expect(check.steps).toEqual([]);
    expect(check.ticket?.sla?.firstResponse.state).toBe("met");
  });

  it("answers bad input with a clear 4xx, and changes nothing", async () => {
    await expectProblem(
      agent.post("/tickets", { subject: "x", requesterId: requester.id, priority: "critical" }),
      400,
      "request.validation_failed",
    );
    const unknown = await expectProblem(
      agent.post("/tickets", { subject: "x", requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P" }),
      422,
      "ticket.linked_records_missing",
    );
    expect(unknown.missing).toEqual(["contact:con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P"]);

    const ticket = await openTicket();
    const invalid = await expectProblem(
      agent.patch(`/tickets/${ticket.id}`, { status: "closed" }),
      409,
      "ticket.invalid_transition",
    );
    expect(invalid.allowed).toEqual(["open", "pending", "on_hold", "solved"]);
    expect((await agent.get<TicketDetail>(`/tickets/${ticket.id}`)).body.version).toBe(1);

    // An internal note by omission is refused: visibility has no default.
    await expectProblem(reply(ticket.id, { body: "Hi" }), 400, "request.validation_failed");

    await agent.patch(`/tickets/${ticket.id}`, { status: "solved" });
    const closed = await agent.patch<TicketView>(`/tickets/${ticket.id}`, { status: "closed" });
    expect(closed.status).toBe(200);
    await expectProblem(
      reply(ticket.id, { body: "Hello?", visibility: "public" }),
      409,
      "ticket.closed",
    );
    await expectProblem(
      agent.patch(`/tickets/${ticket.id}`, { subject: "x" }),
      409,
      "ticket.closed",
    );
    const after = await agent.get<TicketDetail>(`/tickets/${ticket.id}`);
    expect(after.body.version).toBe(closed.body.version);
    expect((await agent.get<Page<Activity>>(`/tickets/${ticket.id}/timeline`)).body.data).toEqual(
      [],
    );

    // SLA policies are the admins'.
    await expectProblem(agent.post("/sla-policies", { name: "Mine" }), 403, "auth.forbidden");
    await expectProblem(
      agent.get("/tickets/tkt_01JD7QG5H6J7K8M9N0P1Q2R3S4"),
      404,
      "ticket.not_found",
    );
  });

  it("takes comments and tasks like every linkable record", async () => {
    const ticket = await openTicket();
    const comment = await agent.post(`/tickets/${ticket.id}/comments`, { body: "@lead-1 look" });
    expect(comment.status, JSON.stringify(comment.body)).toBe(201);
    const tasks = await agent.get<Page<unknown>>(`/tickets/${ticket.id}/tasks`);
    expect(tasks.status).toBe(200);
  });
});
