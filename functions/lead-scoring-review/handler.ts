import type { Context } from "aws-lambda";
import { reviewLeadScores } from "#lib/lead-scoring/review";
import { logger } from "#lib/observability/logger";
import type { ScheduledInvocation } from "#lib/wiring/schedules";

/** No page is started after this much time is left: a page re-scores 25 leads one by one. */
const SAFETY_MARGIN_MS = 60_000;

/**
 * Target of the `lead-score-decay-review` schedule: rolls a new scoring model out to every open
 * lead, and re-scores the leads whose signals decayed (see `lib/lead-scoring/review.ts`).
 */
export const handler = async (event: ScheduledInvocation, context: Context) => {
  logger.appendKeys({ schedule: event.schedule, scheduledTime: event.scheduledTime });
  return reviewLeadScores({
    now: new Date(),
    deadline: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
  });
};
