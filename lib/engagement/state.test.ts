import { describe, expect, it } from "vitest";
import { engagementOf } from "#lib/engagement/state";

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
    expect(engagementOf({ ...item, emailCount: -1, callCount: undefined })).toEqual({
      lastActivityAt: "2026-11-23T14:00:00.000Z",
      activityCounts: { email: 0, call: 0, meeting: 0, note: 1, social: 0 },
    });
    expect(engagementOf({ pk: "contact#con_1", sk: "engagement" })).toEqual(
      engagementOf(undefined),
    );
  });
});
