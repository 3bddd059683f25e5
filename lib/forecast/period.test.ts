import { describe, expect, it } from "vitest";
import { forecastMonthOf, parsePeriod } from "#lib/forecast/period";

describe("forecast periods", () => {
  it("reads a quarter as its three months, first to last day", () => {
    expect(parsePeriod("2026-Q4")).toEqual({
      label: "2026-Q4",
      from: "2026-10-01",
      to: "2026-12-31",
      months: ["2026-10", "2026-11", "2026-12"],
    });
    expect(parsePeriod("2026-Q1")).toMatchObject({
      from: "2026-01-01",
      to: "2026-03-31",
      months: ["2026-01", "2026-02", "2026-03"],
    });
  });

  it("reads a month, with the length of February in leap years", () => {
    expect(parsePeriod("2028-02")).toEqual({
      label: "2028-02",
      from: "2028-02-01",
      to: "2028-02-29",
      months: ["2028-02"],
    });
    expect(parsePeriod("2027-02")?.to).toBe("2027-02-28");
    expect(parsePeriod("2026-11")?.to).toBe("2026-11-30");
  });

  it("refuses anything else", () => {
    for (const label of [
      "2026-Q0",
      "2026-Q5",
      "2026-q4",
      "2026-13",
      "2026-00",
      "2026-1",
      "26-Q4",
      "2026",
      "2026-Q4 ",
      "1969-12",
      "",
      "2026-11-01",
    ]) {
      expect(parsePeriod(label), label).toBeUndefined();
    }
  });

  it("counts an open deal in its expected close month and a closed one in the month it closed", () => {
    expect(forecastMonthOf({ status: "open", expectedCloseDate: "2026-12-15" })).toBe("2026-12");
    expect(
      forecastMonthOf({
        status: "won",
        expectedCloseDate: "2026-12-15",
        closedAt: "2026-11-02T09:00:00.000Z",
      }),
    ).toBe("2026-11");
    expect(
      forecastMonthOf({
        status: "lost",
        expectedCloseDate: "2026-12-15",
        closedAt: "2027-01-03T09:00:00.000Z",
      }),
    ).toBe("2027-01");
    // Reopened: closedAt is gone with the closed stage; were it left, it would not count.
    expect(
      forecastMonthOf({
        status: "open",
        expectedCloseDate: "2026-12-15",
        closedAt: "2026-11-02T09:00:00.000Z",
      }),
    ).toBe("2026-12");
  });
});
