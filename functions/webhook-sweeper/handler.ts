import type { Context } from "aws-lambda";
import { logger } from "#lib/observability/logger";
import { deliveryPolicy } from "#lib/webhooks/policy";
import { sweepDueDeliveries } from "#lib/webhooks/sweeper";
import type { ScheduledInvocation } from "#lib/wiring/schedules";

/**
 * No page is started after this much time is left: a page of 25 at 10 in parallel takes at most
 * three rounds of 10 s timeouts, and must be recorded before Lambda stops the function.
 */
const SAFETY_MARGIN_MS = 40_000;

/** Target of the `webhook-retry-sweep` schedule: attempts every delivery whose retry is due. */
export const handler = async (event: ScheduledInvocation, context: Context) => {
  logger.appendKeys({ schedule: event.schedule, scheduledTime: event.scheduledTime });
  return sweepDueDeliveries({
    policy: deliveryPolicy(),
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  });
};
