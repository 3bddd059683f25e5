import { describe, expect, it } from "vitest";
import { DomainError } from "#lib/errors/domain-error";
import { LEAD_STATUSES, type LeadStatus } from "#lib/leads/schema";
import {
  assertStatusTransition,
  LEAD_STATUS_TRANSITIONS,
  statusChangeVerb,
} from "#lib/leads/status";

const refusal = (from: LeadStatus, to: LeadStatus) => {
  try {
    assertStatusTransition("lead_1", from, to);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
};

describe("lead status transitions", () => {
  it("allows the listed moves and keeping the same status", () => {
    for (const from of LEAD_STATUSES) {
      expect(refusal(from, from), `${from} -> ${from}`).toBeUndefined();
      for (const to of LEAD_STATUS_TRANSITIONS[from]) {
        expect(refusal(from, to), `${from} -> ${to}`).toBeUndefined();
      }
    }
    expect(refusal("new", "working")).toBeUndefined();
    expect(refusal("nurturing", "qualified")).toBeUndefined();
    expect(refusal("unqualified", "working")).toBeUndefined();
  });

  it("never goes back to new", () => {
    for (const from of LEAD_STATUSES.filter((s) => s !== "new" && s !== "converted")) {
      expect(refusal(from, "new")).toMatchObject({
        kind: "unprocessable",
        code: "lead.invalid_status_transition",
        extensions: { from, to: "new", allowed: LEAD_STATUS_TRANSITIONS[from] },
      });
    }
  });

  it("reaches converted only through conversion", () => {
    for (const from of LEAD_STATUSES.filter((s) => s !== "converted")) {
      expect(refusal(from, "converted")).toMatchObject({
        kind: "unprocessable",
        code: "lead.conversion_required",
      });
      expect(LEAD_STATUS_TRANSITIONS[from]).not.toContain("converted");
    }
  });

  it("keeps converted terminal", () => {
    expect(LEAD_STATUS_TRANSITIONS.converted).toEqual([]);
    for (const to of LEAD_STATUSES.filter((s) => s !== "converted")) {
      expect(refusal("converted", to)).toMatchObject({
        kind: "conflict",
        code: "lead.already_converted",
      });
    }
  });

  it("announces qualification as lead.qualified and every other change as lead.updated", () => {
    expect(statusChangeVerb("qualified")).toBe("qualified");
    for (const to of LEAD_STATUSES.filter((s) => s !== "qualified")) {
      expect(statusChangeVerb(to)).toBeUndefined();
    }
  });
});
