import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { parseBusEvent } from "#lib/events/bus-event";
import { recordHistory } from "#lib/history/service";
import { logger } from "#lib/observability/logger";

/**
 * Target of the `history-recorder` rule: every CRM domain event becomes an entry in its record's
 * history. A failure throws, so EventBridge retries and finally dead-letters the event.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const busEvent = parseBusEvent(event);
    const outcome = await recordHistory(busEvent);
    logger.info("History entry", { eventId: busEvent.detail.eventId, outcome });
  });
