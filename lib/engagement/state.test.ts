import { describe, expect, it } from "vitest";
import { engagementOf, engagementStateOf, NO_ENGAGEMENT } from "#lib/engagement/state";

describe("engagementOf", () => {
  it("shows no engagement for a record without an engagement item", () => {
    expect(engagementOf(undefined)).toEqual({
      lastActivityAt: null,
      activityCounts: { email: 0, call: 0, meeting: 0, note: 0, social: 0 },
    });
  });

  it("shows the stored counts, and a count an early event sent below zero as zero", () => {
    const item = {
      pk: "contact#con_1",
      sk: "engagement",
      lastActivityAt: "2026-11-23T14:00:00.000Z",
      callCount: 3,
      emailCount: -1,
      noteCount: 1,
    };
    expect(engagementOf(item)).toEqual({
      lastActivityAt: "2026-11-23T14:00:00.000Z",
      activityCounts: { email: 0, call: 3, meeting: 0, note: 1, social: 0 },
    });
    expect(engagementStateOf(item).activityCounts.email).toBe(-1);
    expect(engagementStateOf(undefined)).toBe(NO_ENGAGEMENT);
  });
});
