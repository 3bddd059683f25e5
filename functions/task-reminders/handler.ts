import type { Context } from "aws-lambda";
import { logger } from "#lib/observability/logger";
import { sweepDueReminders } from "#lib/tasks/reminders";
import type { ScheduledInvocation } from "#lib/wiring/schedules";

/** No page is started with less than this left: a page of 25 fires in well under a second. */
const SAFETY_MARGIN_MS = 10_000;

/** Target of the `task-reminder-sweep` schedule: fires every task reminder that is due. */
export const handler = async (event: ScheduledInvocation, context: Context) => {
  logger.appendKeys({ schedule: event.schedule, scheduledTime: event.scheduledTime });
  return sweepDueReminders({
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  });
};
