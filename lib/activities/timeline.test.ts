import { describe, expect, it } from "vitest";
import { timelinePlan, timelineRange } from "#lib/activities/timeline";
import { DomainError } from "#lib/errors/domain-error";

const contactId = "con_01JD7Q6X9Y8Z7W6V5T4S3R2Q1P";

describe("timelineRange", () => {
  it("is no range without dates", () => {
    expect(timelineRange()).toBeUndefined();
  });

  it("bounds from below (inclusive) or above (exclusive), with normalized times", () => {
    expect(timelineRange("2026-11-01T00:00:00Z")).toEqual({ atLeast: "2026-11-01T00:00:00.000Z" });
    expect(timelineRange(undefined, "2026-12-01T00:00:00Z")).toEqual({
      lessThan: "2026-12-01T00:00:00.000Z",
    });
  });

  it("is a BETWEEN whose upper bound sorts before every sort key of its own time", () => {
    const range = timelineRange("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
    expect(range).toEqual({ between: ["2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"] });
    // An activity at exactly `to` is left out; one a millisecond before is in.
    const upper = "2026-12-01T00:00:00.000Z";
    expect(`${upper}#act_01` > upper).toBe(true);
    expect("2026-11-30T23:59:59.999Z#act_01" <= upper).toBe(true);
  });

  it("refuses an empty or reversed range", () => {
    for (const [from, to] of [
      ["2026-12-01T00:00:00Z", "2026-12-01T00:00:00.000Z"],
      ["2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z"],
    ]) {
      expect(() => timelineRange(from, to)).toThrow(DomainError);
    }
  });
});

describe("timelinePlan", () => {
  it("reads every type on gsi1 and one type on gsi2, newest first, in one Query", () => {
    expect(timelinePlan("contact", contactId, {})).toEqual({
      index: "gsi1",
      partition: `timeline#contact#${contactId}`,
      limit: 25,
      cursor: undefined,
      newestFirst: true,
    });
    expect(
      timelinePlan("contact", contactId, {
        type: "call",
        from: "2026-11-01T00:00:00Z",
        limit: 10,
        cursor: "abc",
      }),
    ).toEqual({
      index: "gsi2",
      partition: `timeline#contact#${contactId}#call`,
      sortRange: { atLeast: "2026-11-01T00:00:00.000Z" },
      limit: 10,
      cursor: "abc",
      newestFirst: true,
    });
  });
});
