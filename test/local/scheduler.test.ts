import { describe, expect, it } from "vitest";
import type { ScheduleDeclaration } from "#lib/wiring/schedules";
import type { FunctionInvoker, Invocation } from "#local/function-invoker";
import { parseScheduleExpression } from "#local/schedule-expression";
import { startLocalScheduler } from "#local/scheduler";

const declaration = (expression: ScheduleDeclaration["expression"]): ScheduleDeclaration => ({
  name: "tick",
  description: "test",
  expression,
  target: { function: "webhookSweeper" },
});

const recordingInvoker = (outcomes: Invocation["outcome"][] = []) => {
  const calls: { name: string; event: unknown; at: number }[] = [];
  const invoker: FunctionInvoker = {
    invoke: async (name, event) => {
      const outcome = outcomes[calls.length] ?? "returned";
      calls.push({ name, event, at: Date.now() });
      return outcome === "returned"
        ? { outcome, result: null, coldStart: false }
        : { outcome: "failed", error: new Error("boom"), coldStart: false };
    },
  };
  return { calls, invoker };
};

describe("schedule expressions", () => {
  it("reads rates", () => {
    expect(parseScheduleExpression("rate(1 minute)")).toEqual({ kind: "rate", intervalMs: 60_000 });
    expect(parseScheduleExpression("rate(6 hours)")).toEqual({
      kind: "rate",
      intervalMs: 21_600_000,
    });
    expect(() => parseScheduleExpression("rate(1 minutes)")).toThrow();
    expect(() => parseScheduleExpression("rate(0 minutes)")).toThrow();
    expect(() => parseScheduleExpression("every minute")).toThrow();
  });

  it("computes the next run of a cron expression in UTC", () => {
    const next = (expression: string, from: string) => {
      const parsed = parseScheduleExpression(expression);
      if (parsed.kind !== "cron") throw new Error("not cron");
      return new Date(parsed.next(Date.parse(from))).toISOString();
    };
    expect(next("cron(0 2 * * ? *)", "2026-01-01T03:00:00Z")).toBe("2026-01-02T02:00:00.000Z");
    expect(next("cron(*/15 * * * ? *)", "2026-01-01T03:07:00Z")).toBe("2026-01-01T03:15:00.000Z");
    // Day-of-week 2 is Monday; 2026-01-05 is a Monday.
    expect(next("cron(30 9 ? * MON-FRI *)", "2026-01-03T00:00:00Z")).toBe(
      "2026-01-05T09:30:00.000Z",
    );
    expect(next("cron(0 0 1 JAN ? *)", "2026-03-01T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(() => parseScheduleExpression("cron(0 0 * * * *)")).toThrow(/"\?"/);
    expect(() => parseScheduleExpression("cron(0 0 L * ? *)")).toThrow(/Unsupported/);
  });
});

describe("the local scheduler", () => {
  it("invokes the target on the sped-up rate with the same input as in AWS", async () => {
    const { calls, invoker } = recordingInvoker();
    // rate(1 minute) at 1200x: every 50 ms.
    const scheduler = startLocalScheduler({
      schedules: [declaration("rate(1 minute)")],
      invoker,
      speedUp: 1200,
    });
    // Three runs take 150 ms; a busy machine gets up to 5 s before the test gives up.
    const deadline = Date.now() + 5_000;
    while (calls.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await scheduler.stop();
    const count = calls.length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(calls[0]?.name).toBe("webhookSweeper");
    expect(calls[0]?.event).toEqual({ schedule: "tick", scheduledTime: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(calls.length).toBe(count);
  });

  it("retries a failed run twice, then drops it and says so", async () => {
    const { calls, invoker } = recordingInvoker(["failed", "failed", "failed"]);
    const errors: string[] = [];
    const scheduler = startLocalScheduler({
      schedules: [declaration("rate(1 hour)")],
      invoker,
      logError: (message) => errors.push(message),
    });
    const invocation = await scheduler.runNow("tick");
    await scheduler.stop();
    expect(invocation.outcome).toBe("failed");
    expect(calls).toHaveLength(3);
    expect(errors[0]).toMatch(/tick: webhookSweeper failed 3 times/);
  });

  it("refuses a malformed expression at startup", () => {
    const { invoker } = recordingInvoker();
    expect(() =>
      startLocalScheduler({ schedules: [declaration("rate(soon)" as "rate(1 minute)")], invoker }),
    ).toThrow(/Unsupported schedule expression/);
  });
});
