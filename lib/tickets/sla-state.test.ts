import { describe, expect, it } from "vitest";
import { businessCalendarSchema } from "#lib/sla/business-calendar";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import type { TicketPriority } from "#lib/tickets/classification";
import { moveTo, newTicket, patchTicket } from "#lib/tickets/lifecycle";
import type { Ticket, TicketSla } from "#lib/tickets/schema";
import {
  applySlaStep,
  nextDeadline,
  nextSlaStep,
  nextTimerAt,
  slaStatusAt,
} from "#lib/tickets/sla-state";

/**
 * A ticket's SLA on a fixed clock: business hours Monday to Friday 09:00-17:00 UTC, with
 * Monday 30 November 2026 a holiday. 23 November 2026 is a Monday.
 */
const HOUR = 3600;
const nineToFive = [{ start: "09:00", end: "17:00" }];
const office = businessCalendarSchema.parse({
  timeZone: "UTC",
  weeklyHours: {
    mon: nineToFive,
    tue: nineToFive,
    wed: nineToFive,
    thu: nineToFive,
    fri: nineToFive,
  },
  holidays: ["2026-11-30"],
});

const policy: SlaPolicy = {
  id: "sla_01JD7QF0000000000000000001",
  name: "Business hours",
  scope: {},
  targets: {
    low: { firstResponseSeconds: 8 * HOUR, resolutionSeconds: 40 * HOUR },
    normal: { firstResponseSeconds: 4 * HOUR, resolutionSeconds: 24 * HOUR },
    high: { firstResponseSeconds: 2 * HOUR, resolutionSeconds: 16 * HOUR },
    urgent: { firstResponseSeconds: 1 * HOUR, resolutionSeconds: 8 * HOUR },
  },
  calendar: office,
  warningFraction: 0.75,
  escalationOwnerId: "lead-7",
  version: 3,
  createdAt: "2026-11-01T09:00:00.000Z",
  updatedAt: "2026-11-01T09:00:00.000Z",
  createdBy: "admin",
  updatedBy: "admin",
};

const at = (iso: string) => new Date(iso);

const ticketAt = (iso: string, priority: TicketPriority): Ticket =>
  newTicket(
    "tkt_01JD7QF0000000000000000001",
    {
      subject: "The printer is on fire",
      requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
      channel: "email",
      priority,
      tags: [],
      customFields: {},
    },
    {},
    "agent-1",
    at(iso),
    policy,
  );

const slaOf = (ticket: Ticket): TicketSla => {
  if (!ticket.sla) throw new Error("the ticket has no SLA");
  return ticket.sla;
};

/** Runs the SLA check's steps at `when` until there are none, as `checkTicketSla` does. */
const settle = (ticket: Ticket, when: Date) => {
  let current = ticket;
  const steps: string[] = [];
  for (let step = nextSlaStep(current, when); step; step = nextSlaStep(current, when)) {
    steps.push(step.kind);
    current = applySlaStep({ ...current, sla: slaOf(current) }, step, when, "lead-7");
  }
  return { ticket: current, steps };
};

describe("starting the clocks", () => {
  it("snapshots the policy and counts business time across a weekend and a holiday", () => {
    // Friday 16:30, urgent: 30 min on Friday, then Saturday, Sunday and the Monday holiday.
    const ticket = ticketAt("2026-11-27T16:30:00Z", "urgent");
    const sla = slaOf(ticket);
    expect(sla).toMatchObject({
      policyId: policy.id,
      policyVersion: 3,
      targets: policy.targets,
      calendar: office,
      warningFraction: 0.75,
    });
    expect(sla.firstResponse).toMatchObject({
      state: "running",
      targetSeconds: HOUR,
      deadline: "2026-12-01T09:30:00.000Z",
      warnAt: "2026-12-01T09:15:00.000Z",
    });
    expect(sla.resolution.deadline).toBe("2026-12-01T16:30:00.000Z");
    expect(nextDeadline(sla)).toBe("2026-12-01T09:30:00.000Z");
  });

  it("counts around the clock under a policy without a calendar", () => {
    const { calendar: _none, ...alwaysOpen } = policy;
    const ticket = newTicket(
      "tkt_01JD7QF0000000000000000002",
      {
        subject: "Sunday",
        requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
        channel: "web",
        priority: "urgent",
        tags: [],
        customFields: {},
      },
      {},
      "agent-1",
      at("2026-11-29T12:00:00Z"),
      alwaysOpen,
    );
    expect(slaOf(ticket).firstResponse.deadline).toBe("2026-11-29T13:00:00.000Z");
  });

  it("gives no SLA to a ticket no policy matched", () => {
    const ticket = newTicket(
      "tkt_01JD7QF0000000000000000003",
      {
        subject: "No policy",
        requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
        channel: "web",
        priority: "normal",
        tags: [],
        customFields: {},
      },
      {},
      "agent-1",
      at("2026-11-23T09:00:00Z"),
      undefined,
    );
    expect(ticket.sla).toBeUndefined();
    expect(nextTimerAt(ticket)).toBeUndefined();
    expect(nextSlaStep(ticket, at("2030-01-01T00:00:00Z"))).toBeUndefined();
  });
});

describe("what ticket changes do to the clocks", () => {
  it("pauses while pending and resumes with the time left when the requester answers", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "normal");
    const pending = moveTo(created, "pending", "agent-1", at("2026-11-23T11:00:00Z")).ticket;
    expect(slaOf(pending).resolution).toEqual({
      targetSeconds: 24 * HOUR,
      state: "paused",
      consumedSeconds: 2 * HOUR,
    });
    expect(nextTimerAt(pending)).toBeUndefined();
    // A day later the paused clocks have not moved.
    const status = slaStatusAt(slaOf(pending), at("2026-11-24T15:00:00Z"));
    expect(status.resolution).toEqual({
      state: "paused",
      targetSeconds: 24 * HOUR,
      remainingSeconds: 22 * HOUR,
    });
    expect(status.firstResponse.remainingSeconds).toBe(2 * HOUR);
    // Wednesday 15:00: 22 h left are Wed 2 h, Thu 8 h, Fri 8 h, (holiday), Tue 4 h.
    const reopened = moveTo(pending, "open", "agent-1", at("2026-11-25T15:00:00Z")).ticket;
    expect(slaOf(reopened).resolution).toMatchObject({
      state: "running",
      consumedSeconds: 2 * HOUR,
      deadline: "2026-12-01T13:00:00.000Z",
    });
    expect(slaOf(reopened).firstResponse.deadline).toBe("2026-11-25T17:00:00.000Z");
  });

  it("keeps the clocks running on hold", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "normal");
    const held = moveTo(created, "on_hold", "agent-1", at("2026-11-23T10:00:00Z")).ticket;
    expect(slaOf(held)).toEqual(slaOf(created));
  });

  it("gives running clocks the new priority's targets, keeping the time used", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "normal");
    const raised = patchTicket(
      created,
      { priority: "high" },
      {},
      "agent-1",
      at("2026-11-23T10:00:00Z"),
    ).ticket;
    expect(slaOf(raised).firstResponse).toMatchObject({
      targetSeconds: 2 * HOUR,
      consumedSeconds: HOUR,
      deadline: "2026-11-23T11:00:00.000Z",
    });
    // 15 h left: Monday 10:00-17:00, then all of Tuesday.
    expect(slaOf(raised).resolution.deadline).toBe("2026-11-24T17:00:00.000Z");
  });

  it("stops the clocks when solved, and runs the resolution again on reopening", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "normal");
    const solved = moveTo(created, "solved", "agent-1", at("2026-11-23T12:00:00Z"));
    expect(solved.changeVerb).toBe("solved");
    expect(solved.ticket).toMatchObject({
      solvedAt: "2026-11-23T12:00:00.000Z",
      solvedBy: "agent-1",
    });
    expect(slaOf(solved.ticket).resolution).toMatchObject({
      state: "met",
      elapsedSeconds: 3 * HOUR,
    });
    expect(slaOf(solved.ticket).firstResponse).toMatchObject({ state: "met" });
    expect(nextTimerAt(solved.ticket)).toBeUndefined();

    const reopened = moveTo(solved.ticket, "open", "agent-2", at("2026-11-24T09:00:00Z")).ticket;
    expect(reopened.solvedAt).toBeUndefined();
    expect(slaOf(reopened).resolution).toMatchObject({
      state: "running",
      consumedSeconds: 3 * HOUR,
      // 21 h left from Tuesday 09:00: Tue 8, Wed 8, Thu 5.
      deadline: "2026-11-26T14:00:00.000Z",
    });
    // The first response is not measured again.
    expect(slaOf(reopened).firstResponse.state).toBe("met");
  });
});

describe("the SLA status a read shows", () => {
  it("shows deadlines, time remaining, and an overdue running clock as breached", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "urgent");
    const early = slaStatusAt(slaOf(created), at("2026-11-23T09:20:00Z"));
    expect(early).toEqual({
      asOf: "2026-11-23T09:20:00.000Z",
      policyId: policy.id,
      firstResponse: {
        state: "running",
        targetSeconds: HOUR,
        deadline: "2026-11-23T10:00:00.000Z",
        warnAt: "2026-11-23T09:45:00.000Z",
        remainingSeconds: 40 * 60,
      },
      resolution: {
        state: "running",
        targetSeconds: 8 * HOUR,
        deadline: "2026-11-23T17:00:00.000Z",
        warnAt: "2026-11-23T15:00:00.000Z",
        remainingSeconds: 8 * HOUR - 20 * 60,
      },
    });
    const late = slaStatusAt(slaOf(created), at("2026-11-23T10:30:00Z"));
    expect(late.firstResponse).toMatchObject({ state: "breached", remainingSeconds: -30 * 60 });
    expect(late.resolution.state).toBe("running");
  });
});

describe("the SLA check's steps", () => {
  it("warns, then breaches and escalates once, each at its time", () => {
    // High: first response 2 h (warning at 1.5 h), resolution 16 h.
    const created = ticketAt("2026-11-23T09:00:00Z", "high");
    expect(nextTimerAt(created)).toBe("2026-11-23T10:30:00.000Z");
    expect(settle(created, at("2026-11-23T10:29:59Z")).steps).toEqual([]);

    const warned = settle(created, at("2026-11-23T10:30:00Z"));
    expect(warned.steps).toEqual(["sla_warning"]);
    expect(slaOf(warned.ticket).firstResponse.warnedAt).toBe("2026-11-23T10:30:00.000Z");
    expect(slaOf(warned.ticket).lastNotice).toEqual({
      kind: "sla_warning",
      targets: ["firstResponse"],
      at: "2026-11-23T10:30:00.000Z",
    });
    expect(nextTimerAt(warned.ticket)).toBe("2026-11-23T11:00:00.000Z");

    const breached = settle(warned.ticket, at("2026-11-23T11:00:00Z"));
    expect(breached.steps).toEqual(["sla_breached", "escalated"]);
    expect(breached.ticket).toMatchObject({ priority: "urgent", assigneeId: "lead-7" });
    const sla = slaOf(breached.ticket);
    expect(sla.firstResponse).toMatchObject({
      state: "breached",
      stoppedAt: "2026-11-23T11:00:00.000Z",
      escalatedAt: "2026-11-23T11:00:00.000Z",
      warnedAt: "2026-11-23T10:30:00.000Z",
    });
    expect(sla.firstResponse.escalationDue).toBeUndefined();
    expect(sla.lastNotice).toMatchObject({ kind: "escalated", targets: ["firstResponse"] });
    // The escalation does not retarget: the resolution keeps the high priority's 16 h.
    expect(sla.resolution).toEqual(slaOf(created).resolution);
    // Next: the resolution's warning at 12 h used, Tuesday 13:00.
    expect(nextTimerAt(breached.ticket)).toBe("2026-11-24T13:00:00.000Z");

    // Idempotent: nothing left to do at the same instant, or a moment later.
    expect(settle(breached.ticket, at("2026-11-23T11:00:00Z")).steps).toEqual([]);
    expect(settle(breached.ticket, at("2026-11-23T11:05:00Z")).steps).toEqual([]);
  });

  it("skips a warning whose deadline has passed too, and escalates both breaches at once", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "low");
    const late = settle(created, at("2026-11-30T12:00:00Z"));
    expect(late.steps).toEqual(["sla_breached", "sla_breached", "escalated"]);
    expect(late.ticket.priority).toBe("normal");
    expect(slaOf(late.ticket).lastNotice?.targets).toEqual(["firstResponse", "resolution"]);
    expect(slaOf(late.ticket).firstResponse.warnedAt).toBeUndefined();
    expect(nextTimerAt(late.ticket)).toBeUndefined();
  });

  it("escalates an urgent ticket without raising it further", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "urgent");
    const late = settle(created, at("2026-11-23T10:00:00Z"));
    expect(late.steps).toEqual(["sla_breached", "escalated"]);
    expect(late.ticket.priority).toBe("urgent");
  });

  it("resumes an escalation that was due when the check stopped half-way", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "urgent");
    const when = at("2026-11-23T10:00:00Z");
    const step = nextSlaStep(created, when);
    expect(step).toEqual({ kind: "sla_breached", target: "firstResponse" });
    if (!step) return;
    const halfway = applySlaStep({ ...created, sla: slaOf(created) }, step, when);
    expect(nextTimerAt(halfway)).toBe("2026-11-23T10:00:00.000Z");
    expect(nextSlaStep(halfway, at("2026-11-23T10:01:00Z"))).toEqual({
      kind: "escalated",
      targets: ["firstResponse"],
    });
  });

  it("does nothing for a pending, solved or closed ticket", () => {
    const created = ticketAt("2026-11-23T09:00:00Z", "urgent");
    const later = at("2026-12-10T10:00:00Z");
    const pending = moveTo(created, "pending", "agent-1", at("2026-11-23T09:10:00Z")).ticket;
    const solved = moveTo(created, "solved", "agent-1", at("2026-11-23T09:10:00Z")).ticket;
    const closed = moveTo(solved, "closed", "agent-1", at("2026-11-23T09:20:00Z")).ticket;
    for (const ticket of [pending, solved, closed]) {
      expect(nextSlaStep(ticket, later), ticket.status).toBeUndefined();
      expect(nextTimerAt(ticket), ticket.status).toBeUndefined();
    }
  });
});
