import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { recordAnalytics } from "#lib/analytics/recorder";
import { parseBusEvent } from "#lib/events/bus-event";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `analytics-recorder` rule: a domain event moves the daily counters and gauges it
 * counts in, once per event id. A failure throws, so EventBridge retries and finally dead-letters
 * the event; a retry never counts twice.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const recording = await recordAnalytics(busEvent);
    logger.info("Analytics", {
      eventId: busEvent.detail.eventId,
      detailType: busEvent["detail-type"],
      ...recording,
    });
  });
