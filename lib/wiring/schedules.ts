import type { FunctionName } from "#lib/wiring/functions";

/**
 * Schedules: a function invoked on a timer. The CDK turns each into an EventBridge Scheduler
 * schedule with a retry policy and an SQS dead-letter queue (infra/constructs/schedules.ts); the
 * local runtime runs the same declarations on timers (local/scheduler.ts), faster by a factor.
 *
 * `expression` is EventBridge Scheduler's syntax: `rate(1 minute)`, `rate(6 hours)`, or
 * `cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC.
 */
export interface ScheduleDeclaration {
  /** Stable, kebab-case: names the schedule, its DLQ and its log lines. */
  readonly name: string;
  readonly description: string;
  readonly expression: `rate(${string})` | `cron(${string})`;
  readonly target: { readonly function: FunctionName };
}

/** What a scheduled function receives, in AWS and locally. */
export interface ScheduledInvocation {
  readonly schedule: string;
  /** The time the run was scheduled for (ISO-8601 UTC), not when it started. */
  readonly scheduledTime: string;
}

export const schedules: readonly ScheduleDeclaration[] = [
  {
    name: "webhook-retry-sweep",
    description: "Attempts the webhook deliveries whose retry is due",
    expression: "rate(1 minute)",
    target: { function: "webhookSweeper" },
  },
];
