import { describe, expect, it } from "vitest";
import { DomainError } from "#lib/errors/domain-error";
import type { SlaPolicy } from "#lib/sla-policies/schema";
import { applyReply, moveTo, newTicket, patchTicket } from "#lib/tickets/lifecycle";
import type { Ticket } from "#lib/tickets/schema";

const HOUR = 3600;
const targets = { firstResponseSeconds: HOUR, resolutionSeconds: 8 * HOUR };
const policy: SlaPolicy = {
  id: "sla_01JD7QF0000000000000000001",
  name: "Around the clock",
  scope: {},
  targets: { low: targets, normal: targets, high: targets, urgent: targets },
  warningFraction: 0.75,
  version: 1,
  createdAt: "2026-11-01T09:00:00.000Z",
  updatedAt: "2026-11-01T09:00:00.000Z",
  createdBy: "admin",
  updatedBy: "admin",
};
const at = (iso: string) => new Date(iso);
const created = newTicket(
  "tkt_01JD7QF0000000000000000001",
  {
    subject: "Cannot log in",
    requesterId: "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P",
    channel: "chat",
    priority: "normal",
    tags: ["login"],
    customFields: {},
  },
  { plan: "pro" },
  "agent-1",
  at("2026-11-23T09:00:00Z"),
  policy,
);

const thrown = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError, but nothing was thrown");
};

const reply = (
  ticket: Ticket,
  visibility: "public" | "internal",
  author: "agent" | "requester",
  iso: string,
) => applyReply(ticket, { activityId: "act_1", visibility, author }, "agent-2", at(iso));

describe("a new ticket", () => {
  it("starts new, version 1, with its validated custom fields and its clocks", () => {
    expect(created).toMatchObject({
      status: "new",
      version: 1,
      customFields: { plan: "pro" },
      createdBy: "agent-1",
      createdAt: "2026-11-23T09:00:00.000Z",
    });
    expect(created.sla?.firstResponse.state).toBe("running");
  });
});

describe("replies", () => {
  it("stamps the first public reply of an agent, stops the first-response clock and opens the ticket", () => {
    const { ticket, changeVerb } = reply(created, "public", "agent", "2026-11-23T09:40:00Z");
    expect(changeVerb).toBe("replied");
    expect(ticket).toMatchObject({
      status: "open",
      firstRespondedAt: "2026-11-23T09:40:00.000Z",
      lastReply: {
        activityId: "act_1",
        visibility: "public",
        author: "agent",
        at: "2026-11-23T09:40:00.000Z",
        by: "agent-2",
      },
      version: 2,
      updatedBy: "agent-2",
    });
    expect(ticket.sla?.firstResponse).toMatchObject({ state: "met", elapsedSeconds: 40 * 60 });
    expect(ticket.sla?.resolution.state).toBe("running");

    const second = reply(ticket, "public", "agent", "2026-11-23T11:00:00Z").ticket;
    expect(second.firstRespondedAt).toBe("2026-11-23T09:40:00.000Z");
    expect(second.sla?.firstResponse).toEqual(ticket.sla?.firstResponse);
  });

  it("records a late first reply as a breached first response", () => {
    const { ticket } = reply(created, "public", "agent", "2026-11-23T10:30:00Z");
    expect(ticket.sla?.firstResponse).toMatchObject({ state: "breached", elapsedSeconds: 90 * 60 });
  });

  it("leaves status and clocks alone for an internal note", () => {
    const { ticket, changeVerb } = reply(created, "internal", "agent", "2026-11-23T09:10:00Z");
    expect(changeVerb).toBe("replied");
    expect(ticket.status).toBe("new");
    expect(ticket.firstRespondedAt).toBeUndefined();
    expect(ticket.sla).toEqual(created.sla);
    expect(ticket.lastReply?.visibility).toBe("internal");
  });

  it("opens a pending or solved ticket again when the requester answers", () => {
    const pending = moveTo(created, "pending", "agent-1", at("2026-11-23T09:30:00Z")).ticket;
    expect(pending.sla?.resolution.state).toBe("paused");
    const answered = reply(pending, "public", "requester", "2026-11-23T15:00:00Z").ticket;
    expect(answered.status).toBe("open");
    // 30 min used before the pause; the 5.5 h pending do not count.
    expect(answered.sla?.resolution).toMatchObject({
      state: "running",
      consumedSeconds: 30 * 60,
      deadline: "2026-11-23T22:30:00.000Z",
    });
    // A requester's reply is not a first response.
    expect(answered.firstRespondedAt).toBeUndefined();

    const solved = moveTo(answered, "solved", "agent-1", at("2026-11-23T16:00:00Z")).ticket;
    expect(reply(solved, "public", "requester", "2026-11-24T09:00:00Z").ticket.status).toBe("open");
  });

  it("refuses a reply to a closed ticket", () => {
    const solved = moveTo(created, "solved", "agent-1", at("2026-11-23T10:00:00Z")).ticket;
    const closed = moveTo(solved, "closed", "agent-1", at("2026-11-23T11:00:00Z")).ticket;
    expect(closed).toMatchObject({ closedAt: "2026-11-23T11:00:00.000Z", closedBy: "agent-1" });
    for (const visibility of ["public", "internal"] as const) {
      expect(thrown(() => reply(closed, visibility, "agent", "2026-11-24T09:00:00Z")).code).toBe(
        "ticket.closed",
      );
    }
  });
});

describe("patches", () => {
  it("applies fields, clears with null, stamps, and announces a solve as solved", () => {
    const { ticket, changeVerb } = patchTicket(
      { ...created, description: "It says no", assigneeId: "agent-1" },
      { subject: "Cannot sign in", description: null, assigneeId: null, status: "solved" },
      { plan: "pro" },
      "agent-2",
      at("2026-11-23T10:00:00Z"),
    );
    expect(changeVerb).toBe("solved");
    expect(ticket).toMatchObject({
      subject: "Cannot sign in",
      status: "solved",
      solvedBy: "agent-2",
      version: 2,
    });
    expect(ticket.description).toBeUndefined();
    expect(ticket.assigneeId).toBeUndefined();
  });

  it("is a plain update when the status does not become solved", () => {
    const { changeVerb } = patchTicket(
      created,
      { status: "open" },
      {},
      "a",
      at("2026-11-23T10:00:00Z"),
    );
    expect(changeVerb).toBeUndefined();
  });

  it("refuses a move the table does not allow, and any change of a closed ticket", () => {
    expect(
      thrown(() => patchTicket(created, { status: "closed" }, {}, "a", at("2026-11-23T10:00:00Z"))),
    ).toMatchObject({
      code: "ticket.invalid_transition",
      extensions: { from: "new", to: "closed" },
    });
    const solved = moveTo(created, "solved", "a", at("2026-11-23T10:00:00Z")).ticket;
    const closed = moveTo(solved, "closed", "a", at("2026-11-23T11:00:00Z")).ticket;
    expect(
      thrown(() => patchTicket(closed, { tags: ["x"] }, {}, "a", at("2026-11-23T12:00:00Z"))).code,
    ).toBe("ticket.closed");
  });
});
