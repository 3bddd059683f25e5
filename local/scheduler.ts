import type { ScheduleDeclaration, ScheduledInvocation } from "#lib/wiring/schedules";
import type { FunctionInvoker, Invocation } from "#local/function-invoker";
import { parseScheduleExpression } from "#local/schedule-expression";

/**
 * The local counterpart of EventBridge Scheduler: runs each declared schedule
 * (`lib/wiring/schedules.ts`) on a timer and invokes its function with the same input as in
 * AWS, `{ schedule, scheduledTime }`.
 *
 * `speedUp` divides every interval: at the default 60, `rate(1 minute)` runs every second, so a
 * developer sees scheduled work happen while they watch; tests go faster still. As in AWS, a
 * failed run is retried twice and then dropped (AWS would put it on the schedule's DLQ), and as
 * a Lambda function would, a run that outlasts its interval is not overlapped by the next one.
 */
export const DEFAULT_SPEED_UP = 60;
const RETRIES = 2;

export interface LocalSchedulerOptions {
  readonly schedules: readonly ScheduleDeclaration[];
  readonly invoker: FunctionInvoker;
  readonly speedUp?: number;
  readonly log?: (line: string) => void;
  readonly logError?: (message: string, error: unknown) => void;
}

export interface LocalScheduler {
  /** Runs a schedule now, out of turn (for tests and tinkering). */
  runNow(name: string): Promise<Invocation>;
  /** Clears the timers and waits for runs in flight. */
  stop(): Promise<void>;
}

const describe = (invocation: Invocation): string =>
  invocation.outcome === "timed_out"
    ? `timed out after ${invocation.timeoutSeconds} s`
    : invocation.outcome === "failed"
      ? invocation.error instanceof Error
        ? invocation.error.message
        : String(invocation.error)
      : "";

export const startLocalScheduler = (options: LocalSchedulerOptions): LocalScheduler => {
  const speedUp = options.speedUp ?? DEFAULT_SPEED_UP;
  if (!(speedUp > 0)) throw new Error(`The schedule speed-up must be positive, not ${speedUp}`);
  const logError = options.logError ?? (() => {});
  const parsed = options.schedules.map((declaration) => ({
    declaration,
    // Malformed expressions fail at startup, as `cdk synth` would.
    expression: parseScheduleExpression(declaration.expression),
  }));
  const timers = new Set<NodeJS.Timeout>();
  const running = new Map<string, Promise<Invocation>>();
  let stopped = false;

  const invokeWithRetries = async (declaration: ScheduleDeclaration): Promise<Invocation> => {
    const event: ScheduledInvocation = {
      schedule: declaration.name,
      scheduledTime: new Date().toISOString(),
    };
    let invocation: Invocation;
    let attempt = 0;
    do {
      invocation = await options.invoker.invoke(declaration.target.function, event);
      attempt++;
    } while (invocation.outcome !== "returned" && attempt <= RETRIES && !stopped);
    if (invocation.outcome !== "returned") {
      logError(
        `Schedule ${declaration.name}: ${declaration.target.function} failed ${attempt} times (${describe(invocation)}); the run is dropped`,
        invocation.outcome === "failed" ? invocation.error : undefined,
      );
    }
    return invocation;
  };

  const run = (declaration: ScheduleDeclaration): Promise<Invocation> => {
    const inFlight = running.get(declaration.name);
    if (inFlight) return inFlight;
    const started = invokeWithRetries(declaration).finally(() => running.delete(declaration.name));
    running.set(declaration.name, started);
    return started;
  };

  const arm = (entry: (typeof parsed)[number]) => {
    if (stopped) return;
    const now = Date.now();
    const realDelay =
      entry.expression.kind === "rate"
        ? entry.expression.intervalMs
        : entry.expression.next(now) - now;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run(entry.declaration);
      arm(entry);
    }, realDelay / speedUp);
    timers.add(timer);
  };

  for (const entry of parsed) {
    arm(entry);
    options.log?.(
      `Schedule ${entry.declaration.name}: ${entry.declaration.expression} -> ${entry.declaration.target.function} (${speedUp}x faster)`,
    );
  }

  return {
    runNow: (name) => {
      const entry = parsed.find((p) => p.declaration.name === name);
      if (!entry) return Promise.reject(new Error(`No schedule ${name}`));
      return run(entry.declaration);
    },
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
};
