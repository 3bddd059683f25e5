import { describe, expect, it } from "vitest";
import { type BusinessCalendar, businessCalendarSchema } from "#lib/sla/business-calendar";
import {
  breachClock,
  pauseClock,
  remainingSeconds,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
} from "#lib/sla/clock";

const HOUR = 3600;
const nineToFive = [{ start: "09:00", end: "17:00" }];
const utcOffice: BusinessCalendar = businessCalendarSchema.parse({
  timeZone: "UTC",
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

describe("SLA clock", () => {
  it("starts with a deadline and a warning in business time", () => {
    // Monday 16:00 + 4 h target, warn at 75 % (3 h): 1 h Monday, then Tuesday.
    const clock = startClock(4 * HOUR, at("2026-11-23T16:00:00Z"), utcOffice, 0.75);
    expect(clock).toEqual({
      targetSeconds: 4 * HOUR,
      state: "running",
      consumedSeconds: 0,
      runningSince: "2026-11-23T16:00:00.000Z",
      deadline: "2026-11-24T12:00:00.000Z",
      warnAt: "2026-11-24T11:00:00.000Z",
    });
  });

  it("pauses and resumes with the time it had left", () => {
    const started = startClock(4 * HOUR, at("2026-11-23T09:00:00Z"), utcOffice, 0.75);
    const paused = pauseClock(started, at("2026-11-23T10:30:00Z"), utcOffice);
    expect(paused).toEqual({ targetSeconds: 4 * HOUR, state: "paused", consumedSeconds: 5400 });
    expect(remainingSeconds(paused, at("2026-11-30T10:00:00Z"), utcOffice)).toBe(4 * HOUR - 5400);
    // Resumed Wednesday 15:00 with 2.5 h left: 2 h Wednesday, 30 min Thursday.
    const resumed = resumeClock(paused, at("2026-11-25T15:00:00Z"), utcOffice, 0.75);
    expect(resumed.deadline).toBe("2026-11-26T09:30:00.000Z");
    // The warning is at 3 h used: 1.5 h after resuming.
    expect(resumed.warnAt).toBe("2026-11-25T16:30:00.000Z");
  });

  it("drops the warning once the time used has passed it", () => {
    const started = startClock(4 * HOUR, at("2026-11-23T09:00:00Z"), utcOffice, 0.5);
    const paused = pauseClock(started, at("2026-11-23T12:00:00Z"), utcOffice);
    const resumed = resumeClock(paused, at("2026-11-24T09:00:00Z"), utcOffice, 0.5);
    expect(resumed.warnAt).toBeUndefined();
    expect(resumed.deadline).toBe("2026-11-24T10:00:00.000Z");
  });

  it("is met when stopped in time and breached when stopped late", () => {
    const started = startClock(HOUR, at("2026-11-23T09:00:00Z"), utcOffice, 1);
    expect(stopClock(started, at("2026-11-23T09:59:59Z"), utcOffice)).toMatchObject({
      state: "met",
      elapsedSeconds: 3599,
    });
    expect(stopClock(started, at("2026-11-23T10:00:01Z"), utcOffice)).toMatchObject({
      state: "breached",
      elapsedSeconds: 3601,
    });
  });

  it("breaches only a running clock whose deadline has come, and only once", () => {
    const started = startClock(HOUR, at("2026-11-23T09:00:00Z"), utcOffice, 1);
    expect(breachClock(started, at("2026-11-23T09:59:00Z"), utcOffice)).toBe(started);
    const breached = breachClock(started, at("2026-11-23T10:00:00Z"), utcOffice);
    expect(breached).toMatchObject({ state: "breached", stoppedAt: "2026-11-23T10:00:00.000Z" });
    expect(breachClock(breached, at("2026-11-23T11:00:00Z"), utcOffice)).toBe(breached);
    const paused = pauseClock(started, at("2026-11-23T09:30:00Z"), utcOffice);
    expect(breachClock(paused, at("2026-11-24T09:00:00Z"), utcOffice)).toBe(paused);
  });

  it("moves the deadline when the target changes, counting the time used", () => {
    const started = startClock(8 * HOUR, at("2026-11-23T09:00:00Z"), utcOffice, 1);
    const urgent = retargetClock(started, 2 * HOUR, at("2026-11-23T10:00:00Z"), utcOffice, 1);
    expect(urgent).toMatchObject({
      state: "running",
      consumedSeconds: HOUR,
      deadline: "2026-11-23T11:00:00.000Z",
    });
    const met = stopClock(urgent, at("2026-11-23T10:30:00Z"), utcOffice);
    expect(retargetClock(met, HOUR, at("2026-11-23T10:45:00Z"), utcOffice, 1)).toBe(met);
  });

  it("leaves stopped clocks alone", () => {
    const met = stopClock(
      startClock(HOUR, at("2026-11-23T09:00:00Z"), utcOffice, 1),
      at("2026-11-23T09:10:00Z"),
      utcOffice,
    );
    expect(pauseClock(met, at("2026-11-23T09:20:00Z"), utcOffice)).toBe(met);
    expect(resumeClock(met, at("2026-11-23T09:20:00Z"), utcOffice, 1)).toBe(met);
    expect(stopClock(met, at("2026-11-23T11:00:00Z"), utcOffice)).toBe(met);
    expect(remainingSeconds(met, at("2026-11-23T11:00:00Z"), utcOffice)).toBe(0);
  });
});
