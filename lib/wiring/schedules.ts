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
  {
    name: "task-reminder-sweep",
    description: "Fires the task reminders that are due: one task.reminder_due per reminder",
    expression: "rate(1 minute)",
    target: { function: "taskReminders" },
  },
  {
    name: "lead-score-decay-review",
    description:
      "Nightly: rolls a new scoring model out to open leads and re-scores leads whose signals decayed",
    expression: "cron(0 3 * * ? *)",
    target: { function: "leadScoringReview" },
  },
  {
    name: "analytics-rollup-hourly",
    description:
      "Rebuilds the weekly, monthly and derived analytics figures of the days that changed, and snapshots the open pipeline",
    expression: "rate(1 hour)",
    target: { function: "analyticsRollup" },
  },
  {
    name: "analytics-rollup-nightly",
    description:
      "Closes the day: the same rollup at 23:55 UTC, so that each day's pipeline snapshot is taken in its last minutes",
    expression: "cron(55 23 * * ? *)",
    target: { function: "analyticsRollup" },
  },
];
