import { runRollup } from "#lib/analytics/rollup";
import { logger } from "#lib/observability/logger";
import type { ScheduledInvocation } from "#lib/wiring/schedules";

/**
 * Target of the `analytics-rollup-hourly` and `analytics-rollup-nightly` schedules: rebuilds the
 * weekly, monthly and derived figures of the periods that changed and snapshots the gauges. A
 * failure throws, so the schedule retries the run; a run repeated writes the same figures.
 */
export const handler = async (event: ScheduledInvocation) => {
  logger.appendKeys({ schedule: event.schedule, scheduledTime: event.scheduledTime });
  const summary = await runRollup({ scheduledTime: event.scheduledTime });
  logger.info("Rollup", { ...summary });
  return summary;
};
