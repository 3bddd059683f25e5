import { describe, expect, it } from "vitest";
import { DAY_MILLISECONDS, idlenessOf } from "#lib/deals/rotting";

const entered = "2026-11-01T09:00:00.000Z";
const daysLater = (days: number) => new Date(Date.parse(entered) + days * DAY_MILLISECONDS);
const open = { status: "open" as const, stageEnteredAt: entered };

describe("rotting", () => {
  it("flags an open deal idle in its stage for longer than the stage's threshold", () => {
    expect(idlenessOf(open, { rottingDays: 7 }, daysLater(6.9))).toEqual({
      rotting: false,
      idleDays: 6,
    });
    expect(idlenessOf(open, { rottingDays: 7 }, daysLater(7))).toEqual({
      rotting: false,
      idleDays: 7,
    });
    expect(idlenessOf(open, { rottingDays: 7 }, daysLater(7.01))).toEqual({
      rotting: true,
      idleDays: 7,
    });
  });

  it("counts from the stage entry, and never below zero when clocks disagree", () => {
    expect(idlenessOf(open, { rottingDays: 7 }, daysLater(-0.5))).toEqual({
      rotting: false,
      idleDays: 0,
    });
  });

  it("never flags closed deals, or deals in a stage without a threshold", () => {
    expect(idlenessOf({ ...open, status: "won" }, { rottingDays: 1 }, daysLater(30))).toEqual({
      rotting: false,
    });
    expect(idlenessOf({ ...open, status: "lost" }, undefined, daysLater(30))).toEqual({
      rotting: false,
    });
    expect(idlenessOf(open, {}, daysLater(300))).toEqual({ rotting: false, idleDays: 300 });
    expect(idlenessOf(open, undefined, daysLater(300))).toEqual({ rotting: false, idleDays: 300 });
  });
});
