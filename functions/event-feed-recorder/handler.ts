import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { recordFeedEvent } from "#lib/event-feed/recorder";
import { parseBusEvent } from "#lib/events/bus-event";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `event-feed-recorder` rule: every CRM domain event is appended to the feed. A
 * failure throws, so EventBridge retries and finally dead-letters the event.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const outcome = await recordFeedEvent(busEvent);
    logger.info("Feed entry", { eventId: busEvent.detail.eventId, outcome });
  });
