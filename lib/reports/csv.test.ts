import { describe, expect, it } from "vitest";
import { DomainError } from "#lib/errors/domain-error";
import { csvField, csvLine, csvPage, nextPageLink, reportRows } from "#lib/reports/csv";
import { wantsCsv } from "#lib/reports/negotiation";
import type { Report } from "#lib/reports/schema";

const report: Report = {
  report: "revenue",
  from: "2026-03-01",
  to: "2026-03-03",
  groupBy: "day",
  granularity: "day",
  asOf: null,
  currencies: ["EUR"],
  buckets: ["2026-03-01", "2026-03-02", "2026-03-03"].map((key) => ({
    key,
    label: key,
    from: key,
    to: key,
  })),
  series: [
    {
      key: "won",
      label: "Deals won",
      unit: "count",
      points: [
        { bucket: "2026-03-01", value: 1 },
        { bucket: "2026-03-02", value: 0 },
        { bucket: "2026-03-03", value: 2 },
      ],
    },
    {
      key: "winRate",
      label: "Win rate",
      unit: "ratio",
      points: [
        { bucket: "2026-03-01", value: 0.5 },
        { bucket: "2026-03-02", value: null },
        { bucket: "2026-03-03", value: 1 },
      ],
    },
  ],
  totals: { won: 3, winRate: 0.75 },
};

describe("CSV fields", () => {
  it("quote commas, quotes and line breaks, and double the quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("Smith, Jones")).toBe('"Smith, Jones"');
    expect(csvField('The "big" one')).toBe('"The ""big"" one"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("carriage\rreturn")).toBe('"carriage\rreturn"');
    expect(csvField(-12.5)).toBe("-12.5");
    expect(csvField(null)).toBe("");
  });

  it("keep a spreadsheet from running a name as a formula", () => {
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("@team, north")).toBe('"\'@team, north"');
  });

  it("end every line with CRLF", () => {
    expect(csvLine(["a", 1, null, 'x"y'])).toBe('a,1,,"x""y"\r\n');
  });
});

describe("a report as CSV", () => {
  it("is a header, a row per bucket and a total row", () => {
    expect(reportRows(report)).toEqual([
      ["bucket", "label", "Deals won", "Win rate"],
      ["2026-03-01", "2026-03-01", 1, 0.5],
      ["2026-03-02", "2026-03-02", 0, null],
      ["2026-03-03", "2026-03-03", 2, 1],
      ["total", "Total", 3, 0.75],
    ]);
    expect(csvPage(report, 100, undefined)).toEqual({
      text:
        "bucket,label,Deals won,Win rate\r\n" +
        "2026-03-01,2026-03-01,1,0.5\r\n" +
        "2026-03-02,2026-03-02,0,\r\n" +
        "2026-03-03,2026-03-03,2,1\r\n" +
        "total,Total,3,0.75\r\n",
      nextCursor: null,
    });
  });

  it("pages by rows, with the header on every page", () => {
    const first = csvPage(report, 2, undefined);
    expect(first.text.split("\r\n").filter(Boolean)).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = csvPage(report, 2, first.nextCursor ?? undefined);
    expect(second).toEqual({
      text: "bucket,label,Deals won,Win rate\r\n2026-03-03,2026-03-03,2,1\r\ntotal,Total,3,0.75\r\n",
      nextCursor: null,
    });
  });

  it("refuses a cursor of another report or range", () => {
    const { nextCursor } = csvPage(report, 1, undefined);
    const other = { ...report, to: "2026-03-04" };
    for (const cursor of [nextCursor ?? "", "garbage", Buffer.from("{}").toString("base64url")]) {
      let error: unknown;
      try {
        csvPage(other, 1, cursor);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: "invalid", code: "request.invalid_cursor" });
    }
  });

  it("links the next page with the same query", () => {
    expect(
      nextPageLink(
        "/reports/revenue",
        { from: "2026-03-01", to: "2026-03-03", limit: 2, cursor: "old" },
        "next",
      ),
    ).toBe(
      '</reports/revenue?from=2026-03-01&to=2026-03-03&limit=2&format=csv&cursor=next>; rel="next"',
    );
  });
});

describe("content negotiation", () => {
  it("takes format first, then an Accept that prefers CSV", () => {
    expect(wantsCsv("csv", "application/json")).toBe(true);
    expect(wantsCsv("json", "text/csv")).toBe(false);
    expect(wantsCsv(undefined, "text/csv")).toBe(true);
    expect(wantsCsv(undefined, "text/csv;q=0.9, application/json;q=0.5")).toBe(true);
    expect(wantsCsv(undefined, "application/json, text/csv;q=0.5")).toBe(false);
    expect(wantsCsv(undefined, "*/*")).toBe(false);
    expect(wantsCsv(undefined, undefined)).toBe(false);
  });
});
