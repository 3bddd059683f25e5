import { describe, expect, it } from "vitest";
import { DomainError } from "#lib/errors/domain-error";
import { TICKET_STATUSES, type TicketStatus } from "#lib/tickets/schema";
import { canMove, checkTransition, isUnsolved, TRANSITIONS } from "#lib/tickets/transitions";

const rejectionOfSync = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError, but nothing was thrown");
};

describe("ticket status transitions", () => {
  it("allows exactly the moves of the table, and staying put", () => {
    const allowed: Record<TicketStatus, TicketStatus[]> = {
      new: ["new", "open", "pending", "on_hold", "solved"],
      open: ["open", "pending", "on_hold", "solved"],
      pending: ["open", "pending", "on_hold", "solved"],
      on_hold: ["open", "pending", "on_hold", "solved"],
      solved: ["open", "solved", "closed"],
      closed: ["closed"],
    };
    for (const from of TICKET_STATUSES) {
      const reachable = TICKET_STATUSES.filter((to) => canMove(from, to));
      expect(reachable, from).toEqual(allowed[from]);
    }
  });

  it("never moves back to new, and never out of closed", () => {
    for (const from of TICKET_STATUSES) expect(TRANSITIONS[from]).not.toContain("new");
    expect(TRANSITIONS.closed).toEqual([]);
  });

  it("names the allowed targets when refusing a move", () => {
    const error = rejectionOfSync(() => checkTransition({ id: "tkt_1", status: "new" }, "closed"));
    expect(error).toMatchObject({
      kind: "conflict",
      code: "ticket.invalid_transition",
      extensions: { from: "new", to: "closed", allowed: ["open", "pending", "on_hold", "solved"] },
    });
    expect(error.message).toContain("open, pending, on_hold, solved");
  });

  it("refuses any move of a closed ticket as ticket.closed, even to closed", () => {
    for (const to of TICKET_STATUSES) {
      const error = rejectionOfSync(() => checkTransition({ id: "tkt_1", status: "closed" }, to));
      expect(error.code).toBe("ticket.closed");
    }
  });

  it("counts new, open, pending and on hold as unsolved", () => {
    expect(TICKET_STATUSES.filter(isUnsolved)).toEqual(["new", "open", "pending", "on_hold"]);
  });
});
