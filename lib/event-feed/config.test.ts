import { describe, expect, it } from "vitest";
import { retentionDays } from "#lib/event-feed/config";

describe("retentionDays", () => {
  it("defaults to 7 days", () => {
    expect(retentionDays(undefined)).toBe(7);
    expect(retentionDays("")).toBe(7);
  });

  it("takes a longer retention", () => {
    expect(retentionDays("30")).toBe(30);
  });

  it("refuses less than 7 days and values that are not whole days", () => {
    for (const value of ["6", "0", "-7", "7.5", "seven", "366"]) {
      expect(() => retentionDays(value), value).toThrow(/FEED_RETENTION_DAYS/);
    }
  });
});
