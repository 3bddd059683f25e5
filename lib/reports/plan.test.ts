import { describe, expect, it } from "vitest";
import { DomainError } from "#lib/errors/domain-error";
import { REPORT_DEFINITIONS } from "#lib/reports/definitions";
import { planReport } from "#lib/reports/plan";
import { REPORTS } from "#lib/reports/schema";
import { dimensionFor } from "#lib/reports/service";

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("planning a report", () => {
  it("widens a week or month grouping to whole buckets", () => {
    expect(
      planReport("revenue", ["week"], { from: "2026-03-04", to: "2026-03-10", groupBy: "week" }),
    ).toEqual({
      groupBy: "week",
      granularity: "week",
      from: "2026-03-02",
      to: "2026-03-15",
      firstBucket: "2026-W10",
      lastBucket: "2026-W11",
      timeBuckets: ["2026-W10", "2026-W11"],
    });
  });

  it("reads the coarsest buckets that cover a dimension grouping exactly", () => {
    const plan = planReport("revenue", ["owner"], {
      from: "2026-01-01",
      to: "2026-03-31",
      groupBy: "owner",
    });
    expect(plan).toMatchObject({
      granularity: "month",
      firstBucket: "2026-01",
      lastBucket: "2026-03",
    });
    expect(plan.timeBuckets).toBeUndefined();
  });

  it("refuses a grouping the report does not take, naming the ones it does", () => {
    const error = refusal(() =>
      planReport("funnel", ["day", "source"], {
        from: "2026-03-01",
        to: "2026-03-02",
        groupBy: "owner",
      }),
    );
    expect(error.fieldErrors).toEqual([
      { path: "query.groupBy", message: "The funnel report groups by day, source" },
    ]);
  });

  it("refuses ranges too long for their grouping, and days that do not exist", () => {
    expect(
      planReport("activities", ["day"], { from: "2024-01-01", to: "2024-12-31", groupBy: "day" })
        .timeBuckets,
    ).toHaveLength(366);
    const tooLong = refusal(() =>
      planReport("activities", ["day"], { from: "2024-01-01", to: "2025-01-01", groupBy: "day" }),
    );
    expect(tooLong.fieldErrors[0]?.message).toBe(
      "Grouped by day, a report covers at most 366 days; this range has 367",
    );
    const notADay = refusal(() =>
      planReport("activities", ["day"], { from: "2025-02-29", to: "2025-03-01", groupBy: "day" }),
    );
    expect(notADay.fieldErrors).toEqual([{ path: "query.from", message: "Not a calendar day" }]);
  });
});

describe("the report declarations", () => {
  it("read every source in a dimension it has, for every grouping they take", () => {
    for (const name of REPORTS) {
      const definition = REPORT_DEFINITIONS[name];
      expect(definition.groupBys).toContain(definition.defaultGroupBy);
      for (const groupBy of definition.groupBys) {
        if (groupBy === "pipeline" && definition.snapshots) continue;
        for (const source of Object.values(definition.sources)) {
          expect(() => dimensionFor(source, groupBy), `${name} by ${groupBy}`).not.toThrow();
        }
      }
    }
  });
});
