import { describe, expect, it } from "vitest";
import {
  ALWAYS_OPEN,
  type BusinessCalendar,
  businessCalendarSchema,
} from "#lib/sla/business-calendar";
import { addBusinessTime, businessSecondsBetween } from "#lib/sla/business-time";

const HOUR = 3600;
const nineToFive = [{ start: "09:00", end: "17:00" }];

/** Paris office, Monday to Friday 09:00-17:00, closed on Christmas Day (a Friday in 2026). */
const paris: BusinessCalendar = businessCalendarSchema.parse({
  timeZone: "Europe/Paris",
  weeklyHours: {
    mon: nineToFive,
    tue: nineToFive,
    wed: nineToFive,
    thu: nineToFive,
    fri: nineToFive,
  },
  holidays: ["2026-12-25"],
});

const at = (iso: string) => new Date(iso);

describe("addBusinessTime", () => {
  it("finishes inside the same day when the target fits", () => {
    // Tuesday 10:00 Paris (09:00Z, winter) + 3 h -> 13:00 Paris.
    expect(addBusinessTime(at("2026-12-01T09:00:00Z"), 3 * HOUR, paris)).toEqual(
      at("2026-12-01T12:00:00Z"),
    );
  });

  it("skips a holiday and a weekend", () => {
    // Thursday 24 Dec 16:00 Paris: 1 h that day, Friday is a holiday, then the weekend,
    // so the remaining 3 h run Monday 09:00-12:00 Paris (11:00Z).
    expect(addBusinessTime(at("2026-12-24T15:00:00Z"), 4 * HOUR, paris)).toEqual(
      at("2026-12-28T11:00:00Z"),
    );
  });

  it("starts counting at the next opening when created outside business hours", () => {
    // Saturday -> Monday 09:00 Paris + 30 min.
    expect(addBusinessTime(at("2026-12-05T12:00:00Z"), 30 * 60, paris)).toEqual(
      at("2026-12-07T08:30:00Z"),
    );
    // Tuesday 07:00 Paris, before opening.
    expect(addBusinessTime(at("2026-12-01T06:00:00Z"), HOUR, paris)).toEqual(
      at("2026-12-01T09:00:00Z"),
    );
  });

  it("follows the zone's offset across the spring DST change", () => {
    // Friday 27 March 2026 16:00 Paris (UTC+1) + 2 h: 1 h on Friday, then Monday 30 March
    // 09:00-10:00 Paris, which is UTC+2 after the change on Sunday 29 March.
    expect(addBusinessTime(at("2026-03-27T15:00:00Z"), 2 * HOUR, paris)).toEqual(
      at("2026-03-30T08:00:00Z"),
    );
  });

  it("counts a split day's two intervals and not the lunch break", () => {
    const lunch = businessCalendarSchema.parse({
      timeZone: "UTC",
      weeklyHours: {
        mon: [
          { start: "09:00", end: "12:00" },
          { start: "13:00", end: "17:00" },
        ],
      },
    });
    // Monday 11:00 + 2 h -> 12:00, then 13:00-14:00.
    expect(addBusinessTime(at("2026-11-23T11:00:00Z"), 2 * HOUR, lunch)).toEqual(
      at("2026-11-23T14:00:00Z"),
    );
    // Monday 16:00 + 2 h -> 1 h on Monday, then the next Monday 09:00-10:00.
    expect(addBusinessTime(at("2026-11-23T16:00:00Z"), 2 * HOUR, lunch)).toEqual(
      at("2026-11-30T10:00:00Z"),
    );
  });

  it("runs around the clock on the always-open calendar", () => {
    expect(addBusinessTime(at("2026-12-25T23:30:00Z"), HOUR, ALWAYS_OPEN)).toEqual(
      at("2026-12-26T00:30:00Z"),
    );
  });

  it("does not move the start for a zero target", () => {
    expect(addBusinessTime(at("2026-12-05T12:00:00Z"), 0, paris)).toEqual(
      at("2026-12-05T12:00:00Z"),
    );
  });
});

describe("businessSecondsBetween", () => {
  it("counts only open hours between two instants", () => {
    // Thursday 24 Dec 16:00 Paris to Monday 28 Dec 12:00 Paris: 1 h + 3 h.
    expect(
      businessSecondsBetween(at("2026-12-24T15:00:00Z"), at("2026-12-28T11:00:00Z"), paris),
    ).toBe(4 * HOUR);
  });

  it("is zero over a weekend and when the end is not later", () => {
    expect(
      businessSecondsBetween(at("2026-12-05T08:00:00Z"), at("2026-12-06T20:00:00Z"), paris),
    ).toBe(0);
    expect(
      businessSecondsBetween(at("2026-12-02T12:00:00Z"), at("2026-12-01T12:00:00Z"), paris),
    ).toBe(0);
  });

  it("inverts addBusinessTime", () => {
    for (const start of ["2026-12-24T15:00:00Z", "2026-03-27T15:00:00Z", "2026-12-05T12:00:00Z"]) {
      for (const seconds of [60, HOUR, 7 * HOUR, 30 * HOUR]) {
        const deadline = addBusinessTime(at(start), seconds, paris);
        expect(businessSecondsBetween(at(start), deadline, paris), `${start} + ${seconds}`).toBe(
          seconds,
        );
      }
    }
  });
});

describe("businessCalendarSchema", () => {
  it("refuses an unknown zone, a backwards interval, overlapping intervals and no hours", () => {
    const invalid = [
      { timeZone: "Mars/Olympus", weeklyHours: { mon: nineToFive } },
      { timeZone: "UTC", weeklyHours: { mon: [{ start: "17:00", end: "09:00" }] } },
      {
        timeZone: "UTC",
        weeklyHours: {
          mon: [
            { start: "09:00", end: "13:00" },
            { start: "12:00", end: "17:00" },
          ],
        },
      },
      { timeZone: "UTC", weeklyHours: {} },
      { timeZone: "UTC", weeklyHours: { mon: [{ start: "9:00", end: "17:00" }] } },
      { timeZone: "UTC", weeklyHours: { mon: nineToFive }, holidays: ["2026-13-01"] },
    ];
    for (const calendar of invalid) {
      expect(businessCalendarSchema.safeParse(calendar).success, JSON.stringify(calendar)).toBe(
        false,
      );
    }
  });
});
