import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  bucketOf,
  bucketsBetween,
  dayOf,
  daysBetween,
  daysOfBucket,
  isDay,
  isoWeekOf,
  monthOf,
  tilingGranularity,
  weekStart,
  widenToBuckets,
} from "#lib/analytics/buckets";

describe("days", () => {
  it("are the UTC day of a time, whatever its offset", () => {
    expect(dayOf("2026-03-02T23:59:59.999Z")).toBe("2026-03-02");
    expect(dayOf("2026-03-03T00:30:00+02:00")).toBe("2026-03-02");
    expect(dayOf("2026-03-02")).toBe("2026-03-02");
    expect(() => dayOf("yesterday")).toThrow("Not an ISO-8601 time");
  });

  it("are real calendar days only", () => {
    expect(isDay("2024-02-29")).toBe(true);
    expect(isDay("2025-02-29")).toBe(false);
    expect(isDay("2026-13-01")).toBe(false);
    expect(isDay("2026-3-1")).toBe(false);
  });

  it("count both ends of a range", () => {
    expect(daysBetween("2026-03-02", "2026-03-02")).toBe(1);
    expect(daysBetween("2024-01-01", "2024-12-31")).toBe(366);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });
});

describe("ISO weeks", () => {
  it("start on Monday", () => {
    expect(weekStart("2026-03-02")).toBe("2026-03-02"); // a Monday
    expect(weekStart("2026-03-08")).toBe("2026-03-02"); // the Sunday after
    expect(weekStart("2026-03-09")).toBe("2026-03-09");
  });

  it("belong to the year of their Thursday", () => {
    expect(isoWeekOf("2024-12-30")).toBe("2025-W01");
    expect(isoWeekOf("2021-01-03")).toBe("2020-W53");
    expect(isoWeekOf("2026-01-01")).toBe("2026-W01");
    expect(isoWeekOf("2027-01-01")).toBe("2026-W53");
    expect(isoWeekOf("2026-03-02")).toBe("2026-W10");
  });

  it("run from Monday to Sunday", () => {
    expect(daysOfBucket("week", "2025-W01")).toEqual({ first: "2024-12-30", last: "2025-01-05" });
    expect(daysOfBucket("week", "2020-W53")).toEqual({ first: "2020-12-28", last: "2021-01-03" });
  });

  it("hold every day of theirs and no other (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (offset) => {
        const day = addDays("1990-01-01", offset);
        const week = isoWeekOf(day);
        const { first, last } = daysOfBucket("week", week);
        expect(first <= day && day <= last).toBe(true);
        expect(daysBetween(first, last)).toBe(7);
        expect(isoWeekOf(first)).toBe(week);
        expect(isoWeekOf(addDays(first, -1))).not.toBe(week);
        // Keys sort in time order.
        expect(isoWeekOf(addDays(last, 1)) > week).toBe(true);
      }),
    );
  });
});

describe("months and buckets", () => {
  it("have their first and last day", () => {
    expect(monthOf("2024-02-29")).toBe("2024-02");
    expect(daysOfBucket("month", "2024-02")).toEqual({ first: "2024-02-01", last: "2024-02-29" });
    expect(daysOfBucket("month", "2026-12")).toEqual({ first: "2026-12-01", last: "2026-12-31" });
  });

  it("list every bucket a range touches, in order", () => {
    expect(bucketsBetween("month", "2025-11-15", "2026-02-01")).toEqual([
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
    ]);
    expect(bucketsBetween("week", "2026-03-04", "2026-03-16")).toEqual([
      "2026-W10",
      "2026-W11",
      "2026-W12",
    ]);
    expect(bucketsBetween("day", "2026-02-27", "2026-03-01")).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
    ]);
    expect(bucketOf("week", "2026-03-04")).toBe("2026-W10");
  });

  it("widen a range to whole buckets", () => {
    expect(widenToBuckets("week", "2026-03-04", "2026-03-10")).toEqual({
      from: "2026-03-02",
      to: "2026-03-15",
    });
    expect(widenToBuckets("month", "2026-02-10", "2026-02-11")).toEqual({
      from: "2026-02-01",
      to: "2026-02-28",
    });
  });

  it("read the coarsest buckets that cover a range exactly", () => {
    expect(tilingGranularity("2026-01-01", "2026-03-31")).toBe("month");
    expect(tilingGranularity("2026-03-02", "2026-03-15")).toBe("week");
    expect(tilingGranularity("2026-03-02", "2026-03-14")).toBe("day");
    expect(tilingGranularity("2026-03-01", "2026-03-01")).toBe("day");
  });
});
