import { describe, expect, it } from "vitest";
import type { BusEvent } from "#events/envelope";
import { timerChangeOf } from "#lib/escalation/timer-change";
import { diffOf } from "#lib/events/change-events";
import { TicketEvents } from "#lib/events/detail-types";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import { applyReply, newTicket, patchTicket } from "#lib/tickets/lifecycle";
import type { Ticket } from "#lib/tickets/schema";
import { applySlaStep, nextSlaStep } from "#lib/tickets/sla-state";

/** Which ticket events move the SLA timer, from the events as the publisher makes them. */
const policy: SlaPolicy = {
  id: "sla_01JD7QH2J3K4M5N6P7Q8R9S0T1",
  name: "Always",
  scope: {},
  targets: {
    low: { firstResponseSeconds: 4000, resolutionSeconds: 40_000 },
    normal: { firstResponseSeconds: 2000, resolutionSeconds: 20_000 },
    high: { firstResponseSeconds: 1000, resolutionSeconds: 10_000 },
    urgent: { firstResponseSeconds: 100, resolutionSeconds: 1000 },
  },
  warningFraction: 0.5,
  version: 1,
  createdAt: "2026-11-23T08:00:00.000Z",
  updatedAt: "2026-11-23T08:00:00.000Z",
  createdBy: "admin",
  updatedBy: "admin",
};
const t0 = new Date("2026-11-23T09:00:00.000Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const created = (withPolicy = true): Ticket =>
  newTicket(
    "tkt_01JD7QG5H6J7K8M9N0P1Q2R3S4",
    {
      subject: "Help",
      requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
      channel: "email",
      priority: "normal",
      tags: [],
      customFields: {},
    },
    {},
    "agent",
    t0,
    withPolicy ? policy : undefined,
  );

const eventOf = (detailType: string, after: Ticket | null, before?: Ticket): BusEvent => ({
  id: "e-1",
  source: "crm",
  "detail-type": detailType,
  time: t0.toISOString(),
  detail: {
    schemaVersion: 1,
    eventId: "evt-1",
    occurredAt: t0.toISOString(),
    entity: "ticket",
    id: (after ?? before)?.id ?? "",
    version: (after ?? before)?.version ?? 1,
    actor: "agent",
    data: after,
    changes: after && before ? diffOf({ ...before }, { ...after }) : {},
  },
});

const patched = (before: Ticket, patch: Parameters<typeof patchTicket>[1], at: Date) =>
  patchTicket(before, patch, before.customFields, "agent", at).ticket;

describe("timerChangeOf", () => {
  it("starts the timer of a new ticket with an SLA at its first warning, as generation 1", () => {
    const ticket = created();
    expect(timerChangeOf(eventOf(TicketEvents.Created, ticket))).toEqual({
      kind: "move",
      ticketId: ticket.id,
      generation: 1,
      nextAt: ticket.sla?.firstResponse.warnAt,
    });
  });

  it("starts nothing for a ticket without an SLA", () => {
    expect(timerChangeOf(eventOf(TicketEvents.Created, created(false)))).toEqual({
      kind: "unchanged",
    });
  });

  it("leaves the timer alone when a change does not move the next instant", () => {
    const before = created();
    const after = patched(before, { tags: ["billing"], subject: "Help!" }, later(10));
    expect(timerChangeOf(eventOf(TicketEvents.Updated, after, before))).toEqual({
      kind: "unchanged",
    });
  });

  it("moves the timer earlier when the priority is raised", () => {
    const before = created();
    const after = patched(before, { priority: "urgent" }, later(10));
    const change = timerChangeOf(eventOf(TicketEvents.Updated, after, before));
    expect(change).toEqual({
      kind: "move",
      ticketId: before.id,
      generation: 2,
      nextAt: after.sla?.firstResponse.warnAt,
    });
    // Urgent warns at 50 of its 100 s, 10 of them used already.
    expect(change.kind === "move" && change.nextAt).toBe("2026-11-23T09:00:50.000Z");
  });

  it("stops the timer while pending, and starts it again, later by the pause, on reopening", () => {
    const open = created();
    const pending = patched(open, { status: "pending" }, later(100));
    expect(timerChangeOf(eventOf(TicketEvents.Updated, pending, open))).toEqual({
      kind: "move",
      ticketId: open.id,
      generation: 2,
      nextAt: undefined,
    });
    const reopened = patched(pending, { status: "open" }, later(400));
    expect(timerChangeOf(eventOf(TicketEvents.Updated, reopened, pending))).toEqual({
      kind: "move",
      ticketId: open.id,
      generation: 3,
      // 1000 s to the warning, 100 s of them used before the pause.
      nextAt: later(400 + 900).toISOString(),
    });
  });

  it("moves the timer to the resolution clock after the first reply, and stops it when solved", () => {
    const before = created();
    const replied = applyReply(
      before,
      { activityId: "act_01JD7QJ3K4M5N6P7Q8R9S0T1V2", visibility: "public", author: "agent" },
      "agent",
      later(60),
    ).ticket;
    expect(timerChangeOf(eventOf(TicketEvents.Replied, replied, before))).toMatchObject({
      kind: "move",
      generation: 2,
      nextAt: replied.sla?.resolution.warnAt,
    });
    const solved = patched(replied, { status: "solved" }, later(120));
    expect(timerChangeOf(eventOf(TicketEvents.Solved, solved, replied))).toMatchObject({
      kind: "move",
      generation: 3,
      nextAt: undefined,
    });
    const closed = patched(solved, { status: "closed" }, later(180));
    expect(timerChangeOf(eventOf(TicketEvents.Updated, closed, solved))).toEqual({
      kind: "unchanged",
    });
  });

  it("ignores the SLA check's own events: the execution that made them waits on", () => {
    const before = created();
    const at = later(1000);
    const step = nextSlaStep(before, at);
    if (!step || !before.sla) throw new Error("no step");
    const warned = applySlaStep({ ...before, sla: before.sla }, step, at);
    for (const detailType of [
      TicketEvents.SlaWarning,
      TicketEvents.SlaBreached,
      TicketEvents.Escalated,
    ]) {
      expect(timerChangeOf(eventOf(detailType, warned, before))).toEqual({ kind: "unchanged" });
    }
  });

  it("removes the timer of a deleted ticket", () => {
    const ticket = created();
    expect(timerChangeOf(eventOf(TicketEvents.Deleted, null, ticket))).toEqual({
      kind: "gone",
      ticketId: ticket.id,
    });
  });

  it("refuses an event whose data is not a ticket", () => {
    const event = eventOf(TicketEvents.Created, created());
    expect(() =>
      timerChangeOf({ ...event, detail: { ...event.detail, data: { id: "x" } } }),
    ).toThrow();
  });
});
