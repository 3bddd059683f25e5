import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { recordEngagement } from "#lib/engagement/service";
import { parseBusEvent } from "#lib/events/bus-event";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `engagement-recorder` rule: an activity event moves the engagement (last
 * activity, counts by type) of the records the activity is or was linked to. A failure throws,
 * so EventBridge retries and finally dead-letters the event; what was applied is not applied
 * twice.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const records = await recordEngagement(busEvent);
    logger.info("Engagement", { eventId: busEvent.detail.eventId, records });
  });
