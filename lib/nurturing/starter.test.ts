import { describe, expect, it } from "vitest";
import type { NurturingConfig } from "#lib/nurturing/config";
import { nurtureExecutionName, startDecisionOf } from "#lib/nurturing/starter";

const config: NurturingConfig = {
  sources: ["web_form", "referral"],
  steps: [
    { waitSeconds: 1, touch: "welcome" },
    { waitSeconds: 2, touch: "follow-up" },
  ],
  qualificationThreshold: 40,
};
const leadId = "lead_01JNQ8V4ZK3M5N7P9Q1R2S3T4V";
const lead = {
  id: leadId,
  source: "web_form",
  status: "new",
  optedOut: false,
  email: "a@b.example",
};

describe("whether a new lead is nurtured", () => {
  it("starts one execution per lead, named after it, with the configured steps and threshold", () => {
    expect(startDecisionOf(lead, config)).toEqual({
      start: true,
      name: `nurture-${leadId}`,
      input: { leadId, steps: config.steps, qualificationThreshold: 40 },
    });
    expect(nurtureExecutionName(leadId)).toBe(`nurture-${leadId}`);
  });

  it("nurtures new, working and nurturing leads from the configured sources only", () => {
    for (const status of ["working", "nurturing"]) {
      expect(startDecisionOf({ ...lead, status }, config).start, status).toBe(true);
    }
    expect(startDecisionOf({ ...lead, source: "import" }, config)).toEqual({
      start: false,
      reason: "source_not_nurtured",
    });
    expect(startDecisionOf(lead, { ...config, sources: [] })).toMatchObject({ start: false });
    for (const status of ["qualified", "unqualified", "converted"]) {
      expect(startDecisionOf({ ...lead, status }, config), status).toEqual({
        start: false,
        reason: "status",
      });
    }
  });

  it("never nurtures a lead that opted out", () => {
    expect(startDecisionOf({ ...lead, optedOut: true }, config)).toEqual({
      start: false,
      reason: "opted_out",
    });
  });

  it("does not nurture a lead without an email address: touches are emails", () => {
    const { email: _none, ...withoutEmail } = lead;
    expect(startDecisionOf(withoutEmail, config)).toEqual({ start: false, reason: "no_email" });
  });

  it("refuses an event whose data is not a lead", () => {
    expect(() => startDecisionOf(null, config)).toThrow();
    expect(() => startDecisionOf({ ...lead, source: "fax" }, config)).toThrow();
    expect(() => startDecisionOf({ ...lead, id: "" }, config)).toThrow();
  });
});
