import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contact } from "#lib/contacts/schema";
import { escalationExecutionName, TICKET_ESCALATION } from "#lib/escalation/timers";
import { parseBusEvent } from "#lib/events/bus-event";
import { TicketEvents } from "#lib/events/detail-types";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import type { TicketView } from "#lib/tickets/schema";
import type { LocalBusEvent } from "#local/event-bus";
import type { ExecutionDescription } from "#local/state-machines";
import { type ApiClient, startTestRuntime, type TestRuntime } from "#test/support/local-runtime";

/**
 * The ticket escalation workflow end to end, through the local runtime: `ticket.created` starts
 * the ticket's SLA timer (a Step Functions execution waiting with `TimestampPath`), which warns,
 * breaches and escalates at the deadlines, once; a ticket answered in time does not escalate;
 * `pending` pauses the clock and reopening resumes it (the breach comes later by the paused
 * time); a priority raise moves the deadline earlier. Each change that moves the timer leaves
 * exactly one running execution. Targets are seconds, on an always-open calendar, and the
 * scenarios run side by side to keep the file short.
 */
let crm: TestRuntime;
let agent: ApiClient;
let requester: Contact;
const ESCALATION_OWNER = "lead-1";

beforeAll(async () => {
  crm = await startTestRuntime();
  agent = crm.as("support", "agent-1");
  const created = await agent.post<Contact>("/contacts", {
    firstName: "Ada",
    emails: ["ada@escalation.example"],
  });
  expect(created.status).toBe(201);
  requester = created.body;
  // No calendar: the clocks count around the clock, so seconds are seconds.
  const policy = await crm.as("admin", "admin-1").post<SlaPolicy>("/sla-policies", {
    name: "Seconds",
    targets: {
      low: { firstResponseSeconds: 600, resolutionSeconds: 6000 },
      normal: { firstResponseSeconds: 600, resolutionSeconds: 6000 },
      // Long enough for the timer to start (the event goes through the stream and the bus),
      // and for the test's next request to land, before the warning is due, even on a busy
      // machine.
      high: { firstResponseSeconds: 6, resolutionSeconds: 600 },
      urgent: { firstResponseSeconds: 6, resolutionSeconds: 600 },
    },
    warningFraction: 0.5,
    escalationOwnerId: ESCALATION_OWNER,
  });
  expect(policy.status, JSON.stringify(policy.body)).toBe(201);
});

afterAll(async () => {
  await crm?.stop();
});

const of = (id: string, detailType: string) => (event: LocalBusEvent) =>
  event["detail-type"] === detailType && parseBusEvent(event).detail.id === id;
const eventsOf = (id: string, detailType: string) =>
  crm.bus.events().filter(of(id, detailType)).map(parseBusEvent);
const waitFor = async (id: string, detailType: string, timeoutMs = 15_000) =>
  parseBusEvent(await crm.bus.waitFor(of(id, detailType), timeoutMs));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const openTicket = async (priority: string) => {
  const response = await agent.post<TicketView>("/tickets", {
    subject: `An ${priority} problem`,
    requesterId: requester.id,
    channel: "email",
    priority,
    assigneeId: "agent-1",
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  // The timer is running before anything else happens to the ticket.
  await crm.bus.waitFor(of(response.body.id, TicketEvents.Created));
  return response.body;
};

const patch = async (id: string, body: Record<string, unknown>) => {
  const response = await agent.patch<TicketView>(`/tickets/${id}`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};

const executionsOf = async (ticketId: string): Promise<ExecutionDescription[]> =>
  (await crm.runtime.stateMachines.listExecutions(TICKET_ESCALATION)).filter(
    (execution) => JSON.parse(execution.input).ticketId === ticketId,
  );

/** `ENDED`: not running any more, stopped or finished by itself (whichever came first). */
type Expected = "RUNNING" | "ENDED";
const matches = (status: ExecutionDescription["status"], expected: Expected) =>
  expected === "RUNNING" ? status === "RUNNING" : status === "ABORTED" || status === "SUCCEEDED";

/** Waits until the ticket's executions are these, by name and status (the stopper is async). */
const expectExecutions = async (ticketId: string, expected: Readonly<Record<string, Expected>>) => {
  let actual: Record<string, string> = {};
  for (let attempt = 0; attempt < 100; attempt++) {
    const executions = await executionsOf(ticketId);
    actual = Object.fromEntries(executions.map((execution) => [execution.name, execution.status]));
    const done =
      executions.length === Object.keys(expected).length &&
      executions.every((execution) => {
        const wanted = expected[execution.name];
        return wanted !== undefined && matches(execution.status, wanted);
      });
    if (done) return;
    await sleep(100);
  }
  expect(actual).toEqual(expected);
};

const deadlineOf = (ticket: TicketView) => {
  const deadline = ticket.sla?.firstResponse.deadline;
  if (!deadline) throw new Error(`${ticket.id} has no running first-response clock`);
  return Date.parse(deadline);
};

describe.concurrent("the ticket escalation workflow", () => {
  it("escalates an unanswered urgent ticket at its deadline, exactly once, and stops when it is solved", async () => {
    const ticket = await openTicket("urgent");
    const deadline = deadlineOf(ticket);

    const warning = await waitFor(ticket.id, TicketEvents.SlaWarning);
    expect(Date.parse(warning.detail.occurredAt)).toBeGreaterThanOrEqual(
      Date.parse(ticket.sla?.firstResponse.warnAt ?? ""),
    );
    expect(Date.parse(warning.detail.occurredAt)).toBeLessThan(deadline);

    const breached = await waitFor(ticket.id, TicketEvents.SlaBreached);
    expect(Date.parse(breached.detail.occurredAt)).toBeGreaterThanOrEqual(deadline);
    expect(breached.detail).toMatchObject({
      actor: "system",
      data: { sla: { lastNotice: { kind: "sla_breached", targets: ["firstResponse"] } } },
    });
    const escalated = await waitFor(ticket.id, TicketEvents.Escalated);
    expect(escalated.detail.data).toMatchObject({
      priority: "urgent",
      assigneeId: ESCALATION_OWNER,
      sla: { lastNotice: { kind: "escalated", targets: ["firstResponse"] } },
    });

    // Past the deadline, the timer waits for the resolution clock: nothing fires again.
    await sleep(1500);
    expect(eventsOf(ticket.id, TicketEvents.SlaWarning)).toHaveLength(1);
    expect(eventsOf(ticket.id, TicketEvents.SlaBreached)).toHaveLength(1);
    expect(eventsOf(ticket.id, TicketEvents.Escalated)).toHaveLength(1);
    const name = escalationExecutionName(ticket.id, 1);
    expect(name).toBe(`ticket-${ticket.id}`);
    await expectExecutions(ticket.id, { [name]: "RUNNING" });

    await patch(ticket.id, { status: "solved" });
    await expectExecutions(ticket.id, { [name]: "ENDED" });
  });

  it("does not escalate a ticket answered in time, and moves its timer to the resolution clock", async () => {
    const ticket = await openTicket("urgent");
    const answered = await agent.post(`/tickets/${ticket.id}/replies`, {
      body: "We are on it.",
      visibility: "public",
    });
    expect(answered.status).toBe(201);
    const replied = await waitFor(ticket.id, TicketEvents.Replied);

    // Well past the first-response deadline.
    await sleep(Math.max(deadlineOf(ticket) - Date.now(), 0) + 1500);
    expect(eventsOf(ticket.id, TicketEvents.SlaBreached)).toEqual([]);
    expect(eventsOf(ticket.id, TicketEvents.Escalated)).toEqual([]);
    // The reply moved the timer: the creation's execution was stopped, the reply's waits.
    await expectExecutions(ticket.id, {
      [escalationExecutionName(ticket.id, 1)]: "ENDED",
      [escalationExecutionName(ticket.id, replied.detail.version)]: "RUNNING",
    });
  });

  it("pauses the clock while the ticket is pending, and breaches later by the paused time once reopened", async () => {
    const ticket = await openTicket("high");
    const firstDeadline = deadlineOf(ticket);
    const pending = await patch(ticket.id, { status: "pending" });
    expect(pending.sla?.firstResponse).toMatchObject({ state: "paused" });
    const paused = await waitFor(ticket.id, TicketEvents.Updated);
    // Pending has no deadline: the timer stops rather than waits.
    await expectExecutions(ticket.id, { [escalationExecutionName(ticket.id, 1)]: "ENDED" });

    // Past the deadline the ticket had: no breach while it waits on the requester.
    await sleep(Math.max(firstDeadline - Date.now(), 0) + 500);
    expect(eventsOf(ticket.id, TicketEvents.SlaBreached)).toEqual([]);

    const reopened = await patch(ticket.id, { status: "open" });
    const pausedMs = Date.parse(reopened.updatedAt) - Date.parse(pending.updatedAt);
    const newDeadline = deadlineOf(reopened);
    expect(newDeadline - firstDeadline).toBeGreaterThanOrEqual(pausedMs);

    const breached = await waitFor(ticket.id, TicketEvents.SlaBreached);
    expect(Date.parse(breached.detail.occurredAt)).toBeGreaterThanOrEqual(newDeadline);
    await waitFor(ticket.id, TicketEvents.Escalated);
    await sleep(1000);
    expect(eventsOf(ticket.id, TicketEvents.SlaBreached)).toHaveLength(1);
    expect(eventsOf(ticket.id, TicketEvents.Escalated)).toHaveLength(1);
    await expectExecutions(ticket.id, {
      [escalationExecutionName(ticket.id, 1)]: "ENDED",
      [escalationExecutionName(ticket.id, reopened.version)]: "RUNNING",
    });
    expect(paused.detail.version).toBe(pending.version);
  });

  it("moves the deadline earlier when the priority is raised, and fires at the new time", async () => {
    const ticket = await openTicket("normal");
    const firstDeadline = deadlineOf(ticket);
    const raised = await patch(ticket.id, { priority: "urgent" });
    const newDeadline = deadlineOf(raised);
    expect(newDeadline).toBeLessThan(firstDeadline);

    const breached = await waitFor(ticket.id, TicketEvents.SlaBreached);
    const at = Date.parse(breached.detail.occurredAt);
    expect(at).toBeGreaterThanOrEqual(newDeadline);
    expect(at).toBeLessThan(firstDeadline);
    await waitFor(ticket.id, TicketEvents.Escalated);
    await sleep(1000);
    expect(eventsOf(ticket.id, TicketEvents.SlaBreached)).toHaveLength(1);
    await expectExecutions(ticket.id, {
      [escalationExecutionName(ticket.id, 1)]: "ENDED",
      [escalationExecutionName(ticket.id, raised.version)]: "RUNNING",
    });
  });

  it("stops the timer of a deleted ticket", async () => {
    const ticket = await openTicket("urgent");
    const deleted = await crm.as("admin", "admin-1").delete(`/tickets/${ticket.id}`);
    expect(deleted.status).toBe(204);
    await expectExecutions(ticket.id, { [escalationExecutionName(ticket.id, 1)]: "ENDED" });
    await sleep(Math.max(deadlineOf(ticket) - Date.now(), 0) + 500);
    expect(eventsOf(ticket.id, TicketEvents.SlaBreached)).toEqual([]);
  });
});
