import { describe, expect, it } from "vitest";
import { checkInstantOf, escalationTaskInput, waitInstantOf } from "#lib/escalation/steps";
import { escalationExecutionName } from "#lib/escalation/timers";

describe("the escalation task's instants", () => {
  it("waits until whole seconds, rounded up, since Step Functions truncates milliseconds", () => {
    expect(waitInstantOf(Date.parse("2026-11-23T09:00:04.001Z"))).toBe("2026-11-23T09:00:05Z");
    expect(waitInstantOf(Date.parse("2026-11-23T09:00:04.999Z"))).toBe("2026-11-23T09:00:05Z");
    expect(waitInstantOf(Date.parse("2026-11-23T09:00:04.000Z"))).toBe("2026-11-23T09:00:04Z");
  });

  it("checks at the instant it woke for when this clock is a hair behind, else now", () => {
    const now = new Date("2026-11-23T09:00:04.400Z");
    expect(checkInstantOf("2026-11-23T09:00:05Z", now).toISOString()).toBe(
      "2026-11-23T09:00:05.000Z",
    );
    // Woken late: now.
    expect(checkInstantOf("2026-11-23T09:00:03Z", now)).toEqual(now);
    expect(checkInstantOf(undefined, now)).toEqual(now);
    // Far ahead is not skew but a stale input: now.
    expect(checkInstantOf("2026-11-23T10:00:00Z", now)).toEqual(now);
    expect(checkInstantOf("not a time", now)).toEqual(now);
  });
});

describe("the escalation task's input and executions", () => {
  it("accepts what the state machine sends, and nothing else", () => {
    const base = { ticketId: "tkt_1", generation: 1 };
    expect(escalationTaskInput.parse({ ...base, action: "plan" })).toEqual({
      ...base,
      action: "plan",
    });
    expect(
      escalationTaskInput.parse({ ...base, action: "check", dueAt: "2026-11-23T09:00:05Z" }),
    ).toEqual({ ...base, action: "check", dueAt: "2026-11-23T09:00:05Z" });
    for (const bad of [
      { ...base, action: "touch" },
      { ...base, action: "check" },
      { ...base, action: "plan", generation: 0 },
      { ...base, action: "plan", ticketId: "" },
    ]) {
      expect(escalationTaskInput.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("names the creation's execution after the ticket, and each later one after its version", () => {
    const id = "tkt_01JD7QG5H6J7K8M9N0P1Q2R3S4";
    expect(escalationExecutionName(id, 1)).toBe(`ticket-${id}`);
    expect(escalationExecutionName(id, 7)).toBe(`ticket-${id}-v7`);
  });
});
